// Converts an image to 8-bit gray PGM (unpaper's input format) for the comparison script.
#include <iostream>

#include <opencv2/imgcodecs.hpp>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: to_pgm IN OUT.pgm\n";
    return 2;
  }
  const cv::Mat m = cv::imread(argv[1], cv::IMREAD_GRAYSCALE);
  return m.empty() || !cv::imwrite(argv[2], m) ? 1 : 0;
}
