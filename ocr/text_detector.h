#pragma once
// Text lines found by PaddleOCR's PP-OCRv4 DB detector, run through OpenCV's DNN module.
//
// Design notes: the detector reads the page scaled to fit a canvas of `long_side` by
// `short_side` pixels (portrait or landscape as the page is; padded with paper white) and gives
// a text probability per pixel. OpenCV 4.6's DNN module gives wrong results (an empty map) once
// a loaded graph has been run on an input of another shape, so there is one loaded graph per
// canvas shape, and only two shapes. At
// its usual 960 pixels it misses the small print of an A4 page. Measured on the tuning pages
// and on copies of them shrunk to 55-70 % (print of 6-8 pt): 1,280 reads them as well as
// 2,048 (CER 0.13 % both) at less than half the time. Pixels above
// `bin_threshold` form regions; a region is text when its mean probability reaches
// `box_threshold`; the region's rotated rectangle is grown on each side by
// area * unclip_ratio / perimeter (the detector is trained on shrunken text kernels) and mapped
// back to page pixels. Low contrast does not hide text from it (faded ink, a dark border: the
// map is the network's, not a threshold of the gray levels). The graph is the one
// scripts/ppocr_convert.py writes (ppocr-v4/det.onnx); its shapes follow the input, so one
// graph serves every page size.
#include <filesystem>
#include <map>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

namespace xueji {

struct TextDetectorParams {
  int long_side = 1280;  // multiples of 32
  int short_side = 928;  // A4 (1 : 1.414) fills the canvas
  float bin_threshold = 0.3f;
  float box_threshold = 0.6f;
  double unclip_ratio = 1.5;
  int min_side = 3;  // regions thinner than this (detector pixels) are dropped
};

struct DetectedText {
  cv::RotatedRect box;  // page pixels, grown
  cv::Rect bounds;      // its upright bounding box, clipped to the page
  float score = 0;      // mean text probability of the region
};

struct TextRegion;

// The angle of a rotated rectangle's long side, counter-clockwise on screen positive, in (-90, 90].
double long_side_angle(const cv::RotatedRect& r);

// Regions far fainter than the page's own print (under 0.4 of the regions' median contrast,
// 95th minus 5th percentile gray level) are not its text: what is left of a red seal in the OCR
// image, the other side shining through. On a faded page all print is faint alike, and it stays.
std::vector<TextRegion> drop_faint_regions(const cv::Mat& gray, const std::vector<TextRegion>& regions);

// Ink inside the regions, each thresholded on its own (Otsu): a region holds text, so its
// darker class is ink whatever the page's contrast.
cv::Mat region_ink(const cv::Mat& gray, const std::vector<TextRegion>& regions);

class TextDetector {
 public:
  // Reads <model_dir>/ppocr-v4/det.onnx; throws Error(Ocr) naming the install step when missing.
  explicit TextDetector(const std::filesystem::path& model_dir);
  static bool available(const std::filesystem::path& model_dir);

  // `page`: 8-bit gray or BGR. Regions in no particular order.
  std::vector<DetectedText> detect(const cv::Mat& page, const TextDetectorParams& params = {});

 private:
  cv::dnn::Net& net_for(int h, int w);
  std::filesystem::path file_;
  std::map<std::pair<int, int>, cv::dnn::Net> nets_;  // by canvas (h, w)
  std::map<std::pair<int, int>, cv::Mat> blobs_;
};

}  // namespace xueji
