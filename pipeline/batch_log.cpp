#include "pipeline/batch_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "models/error.h"

namespace xueji {

BatchLog::BatchLog(std::filesystem::path file) : file_(std::move(file)) {
  fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0) throw Error(ErrorCode::Io, "cannot open the batch log " + file_.string() + ": " + std::strerror(errno));
  // A torn last line (a crash while it was written) is cut off before appending.
  std::ifstream in(file_, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t keep = content.rfind('\n') == std::string::npos ? 0 : content.rfind('\n') + 1;
  if (keep != content.size() && ::ftruncate(fd_, static_cast<off_t>(keep)) != 0)
    throw Error(ErrorCode::Io, "cannot repair the batch log " + file_.string() + ": " + std::strerror(errno));
  if (::lseek(fd_, 0, SEEK_END) < 0)
    throw Error(ErrorCode::Io, "cannot seek the batch log " + file_.string() + ": " + std::strerror(errno));
}

BatchLog::~BatchLog() {
  if (fd_ >= 0) ::close(fd_);
}

void BatchLog::append(const nlohmann::json& event) {
  const std::string line = event.dump() + "\n";
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(ErrorCode::Io, "cannot write the batch log " + file_.string() + ": " + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd_) != 0)
    throw Error(ErrorCode::Io, "cannot flush the batch log " + file_.string() + ": " + std::strerror(errno));
}

std::vector<nlohmann::json> BatchLog::read(const std::filesystem::path& file) {
  std::vector<nlohmann::json> out;
  std::ifstream in(file, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t start = 0;
  for (size_t nl; (nl = content.find('\n', start)) != std::string::npos; start = nl + 1) {
    if (nl == start) continue;
    try {
      out.push_back(nlohmann::json::parse(content.substr(start, nl - start)));
    } catch (const nlohmann::json::exception& e) {
      throw Error(ErrorCode::BadFormat, "batch log " + file.string() + ": unreadable line: " + e.what());
    }
  }
  return out;
}

BatchLedger::BatchLedger(const std::vector<nlohmann::json>& events) {
  for (const nlohmann::json& e : events) add(e);
}

void BatchLedger::add(const nlohmann::json& e) {
  const std::string kind = e.value("e", "");
  if (kind == "page") pages_[e.value("page", "")] = e;
  else if (kind == "commit") committed_[e.value("document", 0)] = e.value("id", 0LL);
}

long long BatchLedger::document_id(int document) const {
  auto it = committed_.find(document);
  return it == committed_.end() ? 0 : it->second;
}

const nlohmann::json* BatchLedger::page(const std::string& key) const {
  auto it = pages_.find(key);
  return it == pages_.end() ? nullptr : &it->second;
}

bool BatchLedger::settled(const std::string& key) const {
  const nlohmann::json* p = page(key);
  if (!p) return false;
  const nlohmann::json& d = (*p)["decision"];
  return d.value("action", "") != "assign" || committed(d.value("document", 0));
}

std::map<int, std::string> BatchLedger::uncommitted_documents() const {
  std::map<int, std::string> out;
  for (const auto& [key, e] : pages_) {
    const nlohmann::json& d = e["decision"];
    const int doc = d.value("document", 0);
    if (d.value("action", "") == "assign" && !committed(doc) && !out.count(doc)) out[doc] = e.value("sha256", "");
  }
  return out;
}

BatchCounts BatchLedger::counts() const {
  BatchCounts t;
  for (const auto& [key, e] : pages_) {
    if (!settled(key)) continue;
    ++t.processed;
    const std::string a = e["decision"].value("action", "");
    if (a == "assign") ++t.committed_pages;
    else if (a == "review") ++t.review;
    else if (a == "blank") ++t.blank;
    else if (a == "sheet") ++t.sheets;
  }
  t.documents = static_cast<int>(committed_.size());
  return t;
}

}  // namespace xueji
