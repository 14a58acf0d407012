#pragma once
// Pages in from a scanner. `Scanner` is what the pipeline drives; sane_scanner.h implements it
// over libsane. Frames come back as cv::Mat with the resolution the device actually used.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "models/error.h"
#include "models/progress.h"

namespace xueji {

enum class ScanSource { Flatbed, Adf, Duplex };
enum class ScanMode { Color, Gray, BlackWhite };

struct ScanOptions {
  ScanSource source = ScanSource::Flatbed;
  ScanMode mode = ScanMode::Color;  // DA/T 31-2017: colour for pages with seals
  int dpi = 300;                    // >= 300 when the pages are OCRed
  std::optional<double> width_mm, height_mm;  // scan area from the top-left corner
  std::optional<double> brightness, contrast;
  std::vector<std::pair<std::string, std::string>> set;  // any option by its SANE name, in order
};

// What the device accepted, read back after setting.
struct AppliedOptions {
  std::map<std::string, std::string> values;  // SANE option name -> value as text
  std::vector<std::string> notes;             // e.g. "mode Lineart not offered: Gray at depth 1"
};

struct ScanFrame {
  cv::Mat image;      // 8- or 16-bit, 1 or 3 channels (BGR); 1-bit scans as 0/255
  double dpi = 0;
  int depth = 8;      // as delivered by the device
  bool three_pass = false;
  bool unknown_height = false;  // the device did not know the height in advance (hand scanner)
};

enum class ScanFault { Jammed, CoverOpen, NoDocs, DeviceBusy, IoError, AccessDenied, Disconnected, NoMemory, Invalid, Other };

const char* fault_name(ScanFault f);       // "jammed", ...
std::string fault_message(ScanFault f);     // English, for the log and the command line
std::string fault_message_zh(ScanFault f);  // Simplified Chinese, for the clerk in the viewer

// A scanner fault; `pages_before` pages of this run were captured before it.
class ScanError : public Error {
 public:
  ScanError(ScanFault fault, const std::string& detail)
      : Error(ErrorCode::Io, fault_message(fault) + (detail.empty() ? "" : " (" + detail + ")")), fault_(fault) {}
  ScanFault fault() const { return fault_; }

 private:
  ScanFault fault_;
};

struct ScannerInfo {
  std::string name, vendor, model, type;
};

class Scanner {
 public:
  virtual ~Scanner() = default;
  virtual AppliedOptions configure(const ScanOptions& options) = 0;
  // The next page, or nothing at the normal end of the stack (a flatbed gives one page).
  // Throws ScanError on faults (an empty feeder before the first page is NoDocs).
  virtual std::optional<ScanFrame> next_page(const CancelToken* cancel) = 0;
};

}  // namespace xueji
