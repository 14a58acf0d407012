#include "pipeline/capture_journal.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>

#include <opencv2/imgcodecs.hpp>

#include "archive/atomic_file.h"
#include "models/error.h"
#include "models/sha256.h"

namespace fs = std::filesystem;

namespace xueji {
namespace {

std::string now_iso() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

bool valid_job_name(const std::string& s) {
  if (s.empty() || s.size() > 100 || s[0] == '.') return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c >= 0x80;
  }) && s.find("..") == std::string::npos;
}

}  // namespace

CaptureJournal::CaptureJournal(const fs::path& archive_root, const std::string& job, bool must_exist) : name_(job) {
  if (!valid_job_name(job))
    throw Error(ErrorCode::InvalidArgument, "invalid job name '" + job + "' (letters, digits, - _ . only)");
  root_ = archive_root;
  dir_ = archive_root / ".journal" / job;
  std::error_code ec;
  const bool exists = fs::exists(dir_ / "job.json", ec);
  if (must_exist && !exists) throw Error(ErrorCode::NotFound, "no capture job named '" + job + "' in this archive");
  if (exists) {
    std::ifstream in(dir_ / "job.json");
    try {
      meta_ = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw Error(ErrorCode::BadFormat, "capture job " + job + ": unreadable job.json: " + e.what());
    }
    return;
  }
  fs::create_directories(dir_, ec);
  if (ec) throw Error(ErrorCode::Io, "cannot create the capture journal " + dir_.string() + ": " + ec.message());
  meta_ = {{"job", job}, {"created", now_iso()}, {"state", "new"}};
  save();
}

void CaptureJournal::save() {
  meta_["updated"] = now_iso();
  write_file_atomic(dir_ / "job.json", meta_.dump(1) + "\n", Replace::Allowed);
}

int CaptureJournal::next_number() const {
  int highest = meta_.value("last_page", 0);
  for (const fs::path& p : pages()) highest = std::max(highest, std::atoi(p.filename().string().c_str() + 5));
  return highest + 1;
}

std::filesystem::path CaptureJournal::add_page(const ScanFrame& frame, const std::string& source) {
  const int number = next_number();
  char stem[32];
  std::snprintf(stem, sizeof stem, "page-%04d", number);
  std::vector<uchar> bytes;
  const int dpi = static_cast<int>(std::lround(frame.dpi));
  const std::vector<int> params = {cv::IMWRITE_TIFF_COMPRESSION, 8 /* Deflate */, cv::IMWRITE_TIFF_RESUNIT, 2,
                                   cv::IMWRITE_TIFF_XDPI, dpi, cv::IMWRITE_TIFF_YDPI, dpi};
  if (!cv::imencode(".tif", frame.image, bytes, params)) throw Error(ErrorCode::Io, "cannot encode the scanned page");
  const std::string_view data(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const fs::path image = dir_ / (std::string(stem) + ".tif");
  write_file_atomic(image, data);
  const nlohmann::json info = {{"page", number},
                               {"width", frame.image.cols},
                               {"height", frame.image.rows},
                               {"channels", frame.image.channels()},
                               {"depth", frame.depth},
                               {"dpi", frame.dpi},
                               {"three_pass", frame.three_pass},
                               {"unknown_height", frame.unknown_height},
                               {"captured", now_iso()},
                               {"sha256", sha256_hex(data)}};
  nlohmann::json record = info;
  if (!source.empty()) record["source"] = source;
  write_file_atomic(dir_ / (std::string(stem) + ".json"), record.dump(1) + "\n");
  return image;
}

fs::path CaptureJournal::add_file(const fs::path& source) {
  const int number = next_number();
  char stem[32];
  std::snprintf(stem, sizeof stem, "page-%04d", number);
  std::string ext = source.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext.empty() || ext == ".json") ext = ".img";
  const std::string data = read_file_bytes(source);
  const fs::path image = dir_ / (std::string(stem) + ext);
  write_file_atomic(image, data);
  const nlohmann::json info = {{"page", number}, {"source", source.string()}, {"bytes", data.size()},
                               {"captured", now_iso()}, {"sha256", sha256_hex(data)}};
  write_file_atomic(dir_ / (std::string(stem) + ".json"), info.dump(1) + "\n");
  return image;
}

std::vector<fs::path> CaptureJournal::pages() const {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    const std::string n = e.path().filename().string();
    if (n.rfind("page-", 0) == 0 && e.path().extension() != ".json" && e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void CaptureJournal::release_pages(const std::function<bool(const fs::path&)>& which) {
  std::error_code ec;
  const int last = next_number() - 1;
  if (last > meta_.value("last_page", 0)) {
    meta_["last_page"] = last;
    save();
  }
  for (const fs::path& p : pages()) {
    if (which && !which(p)) continue;
    fs::remove(p, ec);
    fs::path side = p;
    fs::remove(side.replace_extension(".json"), ec);
  }
}

std::vector<CaptureJournal::PageCheck> CaptureJournal::check_pages() const {
  std::vector<PageCheck> findings;
  for (const fs::path& p : pages()) {
    fs::path side = p;
    side.replace_extension(".json");
    std::ifstream in(side);
    std::string recorded;
    try {
      recorded = nlohmann::json::parse(in).value("sha256", "");
    } catch (const nlohmann::json::exception&) {
    }
    const std::string name = p.filename().string();
    if (recorded.empty()) {
      findings.push_back({name, "no recorded SHA-256 (its .json is missing or unreadable): the page can't be checked", false});
      continue;
    }
    const std::string actual = sha256_file(p);
    if (actual != recorded)
      findings.push_back({name, "SHA-256 " + actual.substr(0, 16) + "…, recorded " + recorded.substr(0, 16) +
                                    "… when it was scanned: the page was changed in the journal", true});
  }
  return findings;
}

fs::path CaptureJournal::lock_file(const fs::path& root, const std::string& job) {
  return state_dir(root) / "journal-locks" / (job + ".lock");
}

void CaptureJournal::lock_for_capture() {
  capture_lock_ = std::make_shared<FileLock>(lock_file(root_, name_), std::chrono::milliseconds(0), "capture job " + name_);
  // Nobody else writes to this job now: a temporary file here is one a killed capture left
  // half-written (atomic_file.h names them .<final name>.tmp-<n>). Never a page: remove it.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos && e.is_regular_file())
      fs::remove(e.path(), ec);
  }
}

void CaptureJournal::remove_if_empty() {
  if (!pages().empty()) return;
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::vector<std::string> CaptureJournal::jobs(const fs::path& archive_root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(archive_root / ".journal", ec))
    if (fs::exists(e.path() / "job.json")) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<JournalJob> journal_jobs(const fs::path& root) {
  std::vector<JournalJob> out;
  for (const std::string& name : CaptureJournal::jobs(root)) {
    const CaptureJournal j(root, name, true);
    const nlohmann::json& m = const_cast<CaptureJournal&>(j).meta();
    JournalJob job;
    job.name = name;
    job.state = m.value("state", "");
    job.student = m.value("student", "");
    job.doc_type = m.value("doctype", "");
    job.created = m.value("created", "");
    job.updated = m.value("updated", "");
    job.document_id = m.value("document_id", 0LL);
    job.pages = static_cast<int>(j.pages().size());
    out.push_back(std::move(job));
  }
  return out;
}

std::vector<std::string> prune_journal(const fs::path& root, int older_than_days) {
  std::vector<std::string> removed;
  const std::time_t now = std::time(nullptr);
  for (const JournalJob& job : journal_jobs(root)) {
    if (job.pages > 0) continue;  // pages not filed: never pruned
    std::unique_ptr<FileLock> in_use;
    try {  // a scan working on the job keeps it
      in_use = std::make_unique<FileLock>(CaptureJournal::lock_file(root, job.name), std::chrono::milliseconds(0),
                                          "capture job " + job.name);
    } catch (const Error&) {
      continue;
    }
    if (!CaptureJournal(root, job.name, true).pages().empty()) continue;  // pages arrived meanwhile
    std::tm tm{};
    if (!strptime(job.updated.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) continue;
    const double age_days = std::difftime(now, timegm(&tm)) / 86400.0;
    if (age_days < older_than_days) continue;
    std::error_code ec;
    fs::remove_all(root / ".journal" / job.name, ec);
    if (!ec) removed.push_back(job.name);
    fs::remove(CaptureJournal::lock_file(root, job.name), ec);
  }
  return removed;
}

}  // namespace xueji
