#pragma once
// The batch log: an append-only file of JSON lines in the job's journal folder (batch.jsonl),
// one line per page settled by the splitter and one per document committed.
//
// Design notes (crash recovery): each line is written with one write() and flushed with
// fsync() before the next step, so a crash leaves the log as it was before the line or with
// the whole line, at worst with a torn last line (no newline), which reading ignores and the
// next append cuts off. A document's line is written after its catalog commit; a crash between
// the two is found on resume by the pages' SHA-256 in the catalog (pipeline/batch_job.cpp).
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace xueji {

class BatchLog {
 public:
  explicit BatchLog(std::filesystem::path file);  // opens for appending (created if missing)
  ~BatchLog();
  BatchLog(const BatchLog&) = delete;
  BatchLog& operator=(const BatchLog&) = delete;

  void append(const nlohmann::json& event);  // durable when it returns; throws Error(Io)

  // The complete lines of a log (a missing file: none).
  static std::vector<nlohmann::json> read(const std::filesystem::path& file);

 private:
  std::filesystem::path file_;
  int fd_ = -1;
};

// A batch's state read back from its log: the last line per page, the documents committed.
// A page is settled when it is logged and, if it was assigned, its document is committed.
struct BatchCounts {
  int processed = 0, committed_pages = 0, documents = 0, review = 0, blank = 0, sheets = 0;
};

class BatchLedger {
 public:
  explicit BatchLedger(const std::vector<nlohmann::json>& events);
  void add(const nlohmann::json& event);
  bool committed(int document) const { return committed_.count(document) > 0; }
  long long document_id(int document) const;  // 0 when not committed
  const nlohmann::json* page(const std::string& key) const;  // its last page line
  bool settled(const std::string& key) const;
  // Documents with logged pages but no commit line: document -> SHA-256 of one of its pages.
  std::map<int, std::string> uncommitted_documents() const;
  BatchCounts counts() const;
  const std::map<std::string, nlohmann::json>& pages() const { return pages_; }

 private:
  std::map<std::string, nlohmann::json> pages_;
  std::map<int, long long> committed_;
};

}  // namespace xueji
