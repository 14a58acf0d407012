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

std::filesystem::path CaptureJournal::add_page(const ScanFrame& frame) {
  const int number = static_cast<int>(pages().size()) + 1;
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
  write_file_atomic(dir_ / (std::string(stem) + ".json"), info.dump(1) + "\n");
  return image;
}

std::vector<fs::path> CaptureJournal::pages() const {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    const std::string n = e.path().filename().string();
    if (n.rfind("page-", 0) == 0 && e.path().extension() == ".tif") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void CaptureJournal::release_pages() {
  std::error_code ec;
  for (const fs::path& p : pages()) {
    fs::remove(p, ec);
    fs::path side = p;
    fs::remove(side.replace_extension(".json"), ec);
  }
}

std::vector<std::string> CaptureJournal::jobs(const fs::path& archive_root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(archive_root / ".journal", ec))
    if (fs::exists(e.path() / "job.json")) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace xueji
