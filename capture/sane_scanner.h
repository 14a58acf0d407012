#pragma once
// The libsane implementation of `Scanner`.
//
// Design notes
// - RAII at the boundary: SaneLibrary owns sane_init/sane_exit (one per process at a time,
//   owned by the caller, not a global), SaneScanner owns the SANE_Handle (sane_close, and
//   sane_cancel at the end of a batch or on any error).
// - Options are found by their standard SANE names (resolution, mode, source, tl-x ... br-y,
//   brightness, contrast, depth) and values by the spellings backends use ("Color"/"Colour"/
//   "RGB", "Lineart"/"Binary"/"Black & White", "ADF"/"Automatic Document Feeder"/"ADF Front",
//   "ADF Duplex"/"Duplex"); what the device accepted is read back.
// - State machine per page: start -> (get parameters -> read until EOF)+ per frame (three
//   frames for three-pass devices) -> next start. SANE_STATUS_NO_DOCS on the first start is an
//   empty feeder (a fault); after a page it is the normal end of the stack.
// - Cancel: the token is checked between reads; sane_cancel stops the device. A sane_cancel
//   that does not return within 20 s (a driver deadlock) is given up: the device counts as
//   wedged: the library refuses further devices() and open(), and skips sane_close and
//   sane_exit; what was captured stays journaled.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "capture/scanner.h"

namespace xueji {

class SaneLibrary {
 public:
  SaneLibrary();
  ~SaneLibrary();
  SaneLibrary(const SaneLibrary&) = delete;
  SaneLibrary& operator=(const SaneLibrary&) = delete;

  std::vector<ScannerInfo> devices() const;
  // Throws ScanError (Disconnected when the device is not there, AccessDenied, DeviceBusy).
  std::unique_ptr<Scanner> open(const std::string& device) const;

 private:
  void refuse_when_wedged() const;  // after a wedge, libsane is not called again through this library
  std::shared_ptr<std::atomic<bool>> wedged_;  // a device's driver hung: no sane_exit
};

}  // namespace xueji
