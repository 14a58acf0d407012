#pragma once
// Scanning any rendered page image again, badly (tests only): for pages that come from
// elsewhere than the generator — separator sheets rendered from their PDF, say — in a batch
// stack. A photocopy look (raised contrast, a grey cast, toner specks, a dark copier edge),
// then the scan: orientation, skew, resampling to the scan's dpi, blur, sensor noise and JPEG
// artefacts. Deterministic from the seed.
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

namespace xueji::testing {

struct ScanDegradation {
  unsigned seed = 1;
  int orientation = 0;      // 0/90/180/270: clockwise turn of the upright page
  double skew_deg = 0;      // > 0: content turned counter-clockwise on screen
  double in_dpi = 300;      // of the page given
  double out_dpi = 300;     // of the scan
  double blur_sigma = 0;    // pixels of the scan
  double noise_sigma = 0;   // gray levels
  int jpeg_quality = 0;     // 0: no JPEG round trip
  bool photocopy = false;
  bool gray = false;        // a one-channel scan
};

// Orientation any of the four, skew within +-4 degrees, noise 2-10, blur 0.3-1.1 px, JPEG
// (quality 55-90) on half the seeds.
ScanDegradation random_scan_degradation(unsigned seed, double in_dpi, double out_dpi, bool photocopy, bool gray);

// `page`: 8-bit gray or BGR. Returns BGR, or gray when `d.gray`.
cv::Mat degrade_scan(const cv::Mat& page, const ScanDegradation& d);

nlohmann::json to_json(const ScanDegradation& d);

}  // namespace xueji::testing
