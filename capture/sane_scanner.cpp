#include "capture/sane_scanner.h"
#include "capture/sane_env.h"

#include <sane/sane.h>
#include <sane/saneopts.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include "capture/sane_frames.h"

namespace xueji {
namespace {

ScanFault fault_of(SANE_Status s) {
  switch (s) {
    case SANE_STATUS_JAMMED: return ScanFault::Jammed;
    case SANE_STATUS_COVER_OPEN: return ScanFault::CoverOpen;
    case SANE_STATUS_NO_DOCS: return ScanFault::NoDocs;
    case SANE_STATUS_DEVICE_BUSY: return ScanFault::DeviceBusy;
    case SANE_STATUS_IO_ERROR: return ScanFault::IoError;
    case SANE_STATUS_ACCESS_DENIED: return ScanFault::AccessDenied;
    case SANE_STATUS_NO_MEM: return ScanFault::NoMemory;
    case SANE_STATUS_INVAL: return ScanFault::Invalid;
    default: return ScanFault::Other;
  }
}

[[noreturn]] void fail(SANE_Status s, const std::string& what) {
  if (s == SANE_STATUS_CANCELLED) throw Error(ErrorCode::Cancelled, "scan cancelled");
  throw ScanError(fault_of(s), what + ": " + sane_strstatus(s));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool contains(const std::string& haystack, const char* needle) { return lower(haystack).find(needle) != std::string::npos; }

class SaneScanner final : public Scanner {
 public:
  SaneScanner(SANE_Handle h, std::string name, std::shared_ptr<std::atomic<bool>> wedged)
      : h_(h), name_(std::move(name)), wedged_(std::move(wedged)) {}
  ~SaneScanner() override {
    if (stop()) sane_close(h_);
  }

  AppliedOptions configure(const ScanOptions& o) override {
    AppliedOptions applied;
    source_ = o.source;
    // Source first: some backends change the other options' ranges with it.
    if (const auto* d = find(SANE_NAME_SCAN_SOURCE)) {
      auto pick = choose(d, [&](const std::string& v) {
        switch (o.source) {
          case ScanSource::Flatbed: return contains(v, "flatbed") || lower(v) == "normal";
          case ScanSource::Adf: return (contains(v, "adf") || contains(v, "feeder")) && !contains(v, "duplex") && !contains(v, "back");
          case ScanSource::Duplex: return contains(v, "duplex");
        }
        return false;
      });
      if (!pick && o.source != ScanSource::Flatbed)
        throw Error(ErrorCode::InvalidArgument, "device " + name_ + " has no " +
                                                    (o.source == ScanSource::Adf ? "document feeder" : "duplex feeder"));
      if (pick) set(SANE_NAME_SCAN_SOURCE, *pick);
    } else if (o.source != ScanSource::Flatbed) {
      throw Error(ErrorCode::InvalidArgument, "device " + name_ + " has no document feeder");
    }
    if (const auto* d = find(SANE_NAME_SCAN_MODE)) {
      auto is_color = [](const std::string& v) { return contains(v, "color") || contains(v, "colour") || contains(v, "rgb"); };
      auto is_gray = [](const std::string& v) { return contains(v, "gray") || contains(v, "grey"); };
      auto is_bw = [](const std::string& v) {
        return contains(v, "lineart") || contains(v, "binary") || contains(v, "black") || lower(v) == "bw";
      };
      std::optional<std::string> pick;
      if (o.mode == ScanMode::Color) pick = choose(d, is_color);
      if (o.mode == ScanMode::Gray) pick = choose(d, is_gray);
      if (o.mode == ScanMode::BlackWhite) {
        pick = choose(d, is_bw);
        if (!pick && find(SANE_NAME_BIT_DEPTH)) {
          pick = choose(d, is_gray);
          if (pick) {
            set(SANE_NAME_SCAN_MODE, *pick);
            set(SANE_NAME_BIT_DEPTH, "1");
            applied.notes.push_back("no Lineart mode: Gray at depth 1");
            pick.reset();
          }
        }
      }
      if (pick) set(SANE_NAME_SCAN_MODE, *pick);
    }
    if (find(SANE_NAME_SCAN_RESOLUTION)) set(SANE_NAME_SCAN_RESOLUTION, std::to_string(o.dpi));
    if (o.width_mm && find(SANE_NAME_SCAN_BR_X)) set(SANE_NAME_SCAN_BR_X, std::to_string(*o.width_mm + number(SANE_NAME_SCAN_TL_X)));
    if (o.height_mm && find(SANE_NAME_SCAN_BR_Y)) set(SANE_NAME_SCAN_BR_Y, std::to_string(*o.height_mm + number(SANE_NAME_SCAN_TL_Y)));
    if (o.brightness && find(SANE_NAME_BRIGHTNESS)) set(SANE_NAME_BRIGHTNESS, std::to_string(*o.brightness));
    if (o.contrast && find(SANE_NAME_CONTRAST)) set(SANE_NAME_CONTRAST, std::to_string(*o.contrast));
    for (const auto& [name, value] : o.set) {
      if (!find(name)) throw Error(ErrorCode::InvalidArgument, "device " + name_ + " has no option '" + name + "'");
      set(name, value);
    }
    for (const char* name : {SANE_NAME_SCAN_SOURCE, SANE_NAME_SCAN_MODE, SANE_NAME_SCAN_RESOLUTION, SANE_NAME_BIT_DEPTH,
                             SANE_NAME_SCAN_TL_X, SANE_NAME_SCAN_TL_Y, SANE_NAME_SCAN_BR_X, SANE_NAME_SCAN_BR_Y,
                             SANE_NAME_BRIGHTNESS, SANE_NAME_CONTRAST})
      if (find(name)) applied.values[name] = get(name);
    for (const auto& [name, value] : o.set) applied.values[name] = get(name);
    dpi_ = find(SANE_NAME_SCAN_RESOLUTION) ? number(SANE_NAME_SCAN_RESOLUTION) : o.dpi;
    return applied;
  }

  std::optional<ScanFrame> next_page(const CancelToken* cancel) override {
    if (finished_) return std::nullopt;
    SANE_Status s = sane_start(h_);
    if (s == SANE_STATUS_NO_DOCS && pages_ > 0) {  // the normal end of the stack
      finish();
      return std::nullopt;
    }
    if (s != SANE_STATUS_GOOD) {
      stop();
      fail(s, "starting page " + std::to_string(pages_ + 1));
    }
    ScanFrame frame;
    frame.dpi = dpi_;
    cv::Mat red, green, blue;
    for (;;) {
      SANE_Parameters p;
      if ((s = sane_get_parameters(h_, &p)) != SANE_STATUS_GOOD) {
        stop();
        fail(s, "reading the page parameters");
      }
      std::vector<uint8_t> bytes;
      if (p.lines > 0 && p.bytes_per_line > 0) bytes.reserve(static_cast<size_t>(p.lines) * static_cast<size_t>(p.bytes_per_line));
      frame.unknown_height = frame.unknown_height || p.lines < 0;
      std::vector<SANE_Byte> buf(64 * 1024);
      for (;;) {
        if (cancel && cancel->cancelled()) {
          stop();
          throw Error(ErrorCode::Cancelled, "scan cancelled");
        }
        SANE_Int len = 0;
        s = sane_read(h_, buf.data(), static_cast<SANE_Int>(buf.size()), &len);
        if (s == SANE_STATUS_EOF) break;
        if (s != SANE_STATUS_GOOD) {
          stop();
          fail(s, "reading page " + std::to_string(pages_ + 1));
        }
        bytes.insert(bytes.end(), buf.begin(), buf.begin() + len);
      }
      SaneFrameLayout layout;
      layout.bytes_per_line = p.bytes_per_line;
      layout.pixels_per_line = p.pixels_per_line;
      layout.depth = p.depth;
      frame.depth = p.depth;
      switch (p.format) {
        case SANE_FRAME_GRAY: layout.format = SaneFrameFormat::Gray; break;
        case SANE_FRAME_RGB: layout.format = SaneFrameFormat::Rgb; break;
        case SANE_FRAME_RED: layout.format = SaneFrameFormat::Red; break;
        case SANE_FRAME_GREEN: layout.format = SaneFrameFormat::Green; break;
        case SANE_FRAME_BLUE: layout.format = SaneFrameFormat::Blue; break;
        default: stop(); throw ScanError(ScanFault::Other, "unknown frame format " + std::to_string(p.format));
      }
      cv::Mat m = sane_frame_to_mat(layout, bytes);
      switch (layout.format) {
        case SaneFrameFormat::Red: red = m, frame.three_pass = true; break;
        case SaneFrameFormat::Green: green = m, frame.three_pass = true; break;
        case SaneFrameFormat::Blue: blue = m, frame.three_pass = true; break;
        default: frame.image = m;
      }
      if (p.last_frame) break;
      if ((s = sane_start(h_)) != SANE_STATUS_GOOD) {  // the next frame of a three-pass scan
        stop();
        fail(s, "starting the next colour pass");
      }
    }
    if (frame.three_pass) frame.image = merge_three_pass(red, green, blue);
    if (frame.image.empty() || frame.image.rows == 0) {
      stop();
      throw ScanError(ScanFault::IoError, "the scanner sent an empty page");
    }
    ++pages_;
    if (source_ == ScanSource::Flatbed) finish();
    return frame;
  }

 private:
  void finish() {
    stop();
    finished_ = true;
  }

  // sane_cancel, bounded. A driver can hang in it: the test backend's reader thread, cancelled
  // asynchronously inside malloc, leaves the heap lock taken and the join never returns (seen
  // after a DEVICE_BUSY read). The pages already captured are journaled, so a cancel that has
  // not returned after `kCancelWait` is given up: the device is marked wedged, never touched
  // again in this process (no close, no sane_exit), and the caller's fault or end goes on.
  // Returns false when the device is wedged.
  bool stop() {
    if (wedged_->load()) return false;
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> f = done->get_future();
    std::thread([h = h_, done] {
      sane_cancel(h);
      done->set_value();
    }).detach();
    if (f.wait_for(kCancelWait) == std::future_status::ready) return true;
    wedged_->store(true);
    finished_ = true;
    return false;
  }
  static constexpr std::chrono::seconds kCancelWait{20};

  // The option's index and descriptor, by name; null when the device has none (or it is
  // inactive).
  const SANE_Option_Descriptor* find(const std::string& name, SANE_Int* index = nullptr) const {
    SANE_Int count = 0;
    if (sane_control_option(h_, 0, SANE_ACTION_GET_VALUE, &count, nullptr) != SANE_STATUS_GOOD) return nullptr;
    for (SANE_Int i = 1; i < count; ++i) {
      const SANE_Option_Descriptor* d = sane_get_option_descriptor(h_, i);
      if (d && d->name && name == d->name && SANE_OPTION_IS_ACTIVE(d->cap)) {
        if (index) *index = i;
        return d;
      }
    }
    return nullptr;
  }

  template <class Pred>
  std::optional<std::string> choose(const SANE_Option_Descriptor* d, Pred pred) const {
    if (d->type != SANE_TYPE_STRING || d->constraint_type != SANE_CONSTRAINT_STRING_LIST) return std::nullopt;
    for (const SANE_String_Const* v = d->constraint.string_list; *v; ++v)
      if (pred(*v)) return std::string(*v);
    return std::nullopt;
  }

  void set(const std::string& name, const std::string& value) {
    SANE_Int index = 0;
    const SANE_Option_Descriptor* d = find(name, &index);
    if (!d) throw Error(ErrorCode::InvalidArgument, "device " + name_ + " has no active option '" + name + "'");
    if (!SANE_OPTION_IS_SETTABLE(d->cap)) throw Error(ErrorCode::InvalidArgument, "option '" + name + "' cannot be set");
    SANE_Int info = 0;
    SANE_Status s = SANE_STATUS_GOOD;
    try {
      switch (d->type) {
        case SANE_TYPE_BOOL: {
          const std::string v = lower(value);
          SANE_Word b = (v == "yes" || v == "true" || v == "1" || v == "on") ? SANE_TRUE : SANE_FALSE;
          if (!b && v != "no" && v != "false" && v != "0" && v != "off")
            throw Error(ErrorCode::InvalidArgument, "option '" + name + "' takes yes or no, not '" + value + "'");
          s = sane_control_option(h_, index, SANE_ACTION_SET_VALUE, &b, &info);
          break;
        }
        case SANE_TYPE_INT:
        case SANE_TYPE_FIXED: {
          const double x = std::stod(value);
          std::vector<SANE_Word> words(std::max<size_t>(1, static_cast<size_t>(d->size) / sizeof(SANE_Word)));
          const SANE_Word w = d->type == SANE_TYPE_INT ? static_cast<SANE_Word>(std::lround(x)) : SANE_FIX(x);
          std::fill(words.begin(), words.end(), w);
          s = sane_control_option(h_, index, SANE_ACTION_SET_VALUE, words.data(), &info);
          break;
        }
        case SANE_TYPE_STRING: {
          std::string v = value;
          if (d->constraint_type == SANE_CONSTRAINT_STRING_LIST)  // accept any capitalization
            for (const SANE_String_Const* c = d->constraint.string_list; *c; ++c)
              if (lower(*c) == lower(value)) v = *c;
          std::vector<char> buf(std::max<size_t>(static_cast<size_t>(d->size), v.size() + 1), 0);
          std::memcpy(buf.data(), v.data(), v.size());
          s = sane_control_option(h_, index, SANE_ACTION_SET_VALUE, buf.data(), &info);
          break;
        }
        case SANE_TYPE_BUTTON: s = sane_control_option(h_, index, SANE_ACTION_SET_VALUE, nullptr, &info); break;
        default: throw Error(ErrorCode::InvalidArgument, "option '" + name + "' cannot be set from text");
      }
    } catch (const std::invalid_argument&) {
      throw Error(ErrorCode::InvalidArgument, "option '" + name + "' needs a number, not '" + value + "'");
    } catch (const std::out_of_range&) {
      throw Error(ErrorCode::InvalidArgument, "option '" + name + "' value out of range: '" + value + "'");
    }
    if (s != SANE_STATUS_GOOD)
      throw Error(ErrorCode::InvalidArgument, "device " + name_ + " refused " + name + "=" + value + ": " + sane_strstatus(s));
  }

  std::string get(const std::string& name) const {
    SANE_Int index = 0;
    const SANE_Option_Descriptor* d = find(name, &index);
    if (!d || d->type == SANE_TYPE_BUTTON || d->type == SANE_TYPE_GROUP || d->size <= 0) return {};
    std::vector<char> buf(static_cast<size_t>(d->size) + 1, 0);
    if (sane_control_option(h_, index, SANE_ACTION_GET_VALUE, buf.data(), nullptr) != SANE_STATUS_GOOD) return {};
    SANE_Word w;
    std::memcpy(&w, buf.data(), sizeof w);
    switch (d->type) {
      case SANE_TYPE_BOOL: return w ? "yes" : "no";
      case SANE_TYPE_INT: return std::to_string(w);
      case SANE_TYPE_FIXED: {
        char s[32];
        std::snprintf(s, sizeof s, "%g", SANE_UNFIX(w));
        return s;
      }
      case SANE_TYPE_STRING: return std::string(buf.data());
      default: return {};
    }
  }

  double number(const std::string& name) const {
    const std::string v = get(name);
    return v.empty() ? 0 : std::stod(v);
  }

  SANE_Handle h_;
  std::string name_;
  ScanSource source_ = ScanSource::Flatbed;
  double dpi_ = 0;
  int pages_ = 0;
  bool finished_ = false;
  std::shared_ptr<std::atomic<bool>> wedged_;
};

}  // namespace

SaneLibrary::SaneLibrary() : wedged_(std::make_shared<std::atomic<bool>>(false)) {
  prepare_sane_environment();  // net-snmp's notices off the terminal
  SANE_Int version = 0;
  if (SANE_Status s = sane_init(&version, nullptr); s != SANE_STATUS_GOOD)
    throw ScanError(fault_of(s), std::string("cannot start libsane: ") + sane_strstatus(s));
}

SaneLibrary::~SaneLibrary() {
  if (!wedged_->load()) sane_exit();  // a wedged driver would hang in it too
}

void SaneLibrary::refuse_when_wedged() const {
  if (wedged_->load())
    throw ScanError(ScanFault::Other, "the scanner driver stopped responding; restart Xueji and switch the scanner off and on");
}

std::vector<ScannerInfo> SaneLibrary::devices() const {
  refuse_when_wedged();
  const SANE_Device** list = nullptr;
  if (SANE_Status s = sane_get_devices(&list, SANE_FALSE); s != SANE_STATUS_GOOD) fail(s, "listing scanners");
  std::vector<ScannerInfo> out;
  for (const SANE_Device** d = list; d && *d; ++d)
    out.push_back({(*d)->name ? (*d)->name : "", (*d)->vendor ? (*d)->vendor : "", (*d)->model ? (*d)->model : "",
                   (*d)->type ? (*d)->type : ""});
  return out;
}

std::unique_ptr<Scanner> SaneLibrary::open(const std::string& device) const {
  refuse_when_wedged();
  SANE_Handle h = nullptr;
  const SANE_Status s = sane_open(device.c_str(), &h);
  if (s == SANE_STATUS_INVAL) throw ScanError(ScanFault::Disconnected, "no scanner named '" + device + "'");
  if (s != SANE_STATUS_GOOD) fail(s, "opening " + device);
  return std::make_unique<SaneScanner>(h, device, wedged_);
}

}  // namespace xueji
