// OCR pipeline measurements that need the library in-process (driven by bench/ocr_bench.py):
//
//   ocr_pipeline_bench overhead [--engine ppocr|tesseract] IMAGE...
//     per page, one line of JSON: Xueji's whole page time (load, cleanup, orientation check,
//     recognition, result clean-up; one worker, one core) and the time a plain TessBaseAPI
//     (chi_sim, LSTM, initialized once) takes to recognize the same OCR image, with Tesseract's
//     default page segmentation (3, as the tesseract command) and with 6.
//   ocr_pipeline_bench memory [--engine ppocr|tesseract] --workers N --pages P IMAGE...
//     runs P pages (cycling through the images) through the pipeline with N workers and prints
//     the resident set size every 100 pages.
#include <algorithm>
#include <tesseract/baseapi.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/page_runner.h"

using namespace xueji;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double rss_mb() {
  std::ifstream statm("/proc/self/statm");
  long total = 0, resident = 0;
  statm >> total >> resident;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

double raw_recognition_ms(tesseract::TessBaseAPI& api, const cv::Mat& gray, double dpi, int psm) {
  const auto t0 = Clock::now();
  api.SetPageSegMode(static_cast<tesseract::PageSegMode>(psm));
  api.SetImage(gray.data, gray.cols, gray.rows, 1, static_cast<int>(gray.step));
  api.SetSourceResolution(static_cast<int>(dpi));
  api.Recognize(nullptr);
  delete[] api.GetUTF8Text();
  api.Clear();
  return ms_since(t0);
}

int overhead(const std::vector<std::filesystem::path>& files, const OcrParams& ocr) {
  EnginePool engines(ocr, 1);
  const StageFactory stages = [](const EngineProvider& e) { return default_page_stages({}, e, nullptr); };
  tesseract::TessBaseAPI raw;
  if (raw.Init(nullptr, "chi_sim", tesseract::OEM_LSTM_ONLY) != 0) return 1;
  engines.engine(0);  // both engines started before timing
  for (const auto& file : files) {
    auto t0 = Clock::now();
    EnginePool* pool = &engines;
    PageWork* last = nullptr;
    std::vector<PageWork> done;
    process_images({file}, {}, stages, *pool, nullptr, [&](PageWork& w) {
      done.push_back(std::move(w));
      last = &done.back();
    });
    const double xueji_ms = ms_since(t0);
    if (!last) continue;
    double stages_ms = 0;
    for (const auto& [name, ms] : last->stage_ms) stages_ms += ms;
    const double load_ms = xueji_ms - stages_ms;
    nlohmann::json j = {{"file", file.filename().string()}, {"xueji_ms", xueji_ms}, {"load_ms", load_ms},
                        {"stage_ms", last->stage_ms}, {"ocr_image_ms", last->cleaned.ocr_image_ms},
                        {"blank", last->cleaned.analysis.boxes.blank}};
    if (!last->cleaned.analysis.boxes.blank) {
      j["raw_psm3_ms"] = raw_recognition_ms(raw, last->cleaned.ocr_image, last->input.dpi, 3);
      j["raw_psm6_ms"] = raw_recognition_ms(raw, last->cleaned.ocr_image, last->input.dpi, 6);
    }
    std::cout << j.dump() << std::endl;
  }
  raw.End();
  return 0;
}

int memory(int workers, int pages, const std::vector<std::filesystem::path>& files, const OcrParams& ocr) {
  std::vector<std::filesystem::path> list;
  for (int i = 0; i < pages; ++i) list.push_back(files[static_cast<size_t>(i) % files.size()]);
  EnginePool engines(ocr, workers);
  const StageFactory stages = [](const EngineProvider& e) { return default_page_stages({}, e, nullptr); };
  int n = 0;
  const auto t0 = Clock::now();
  std::cout << "{\"workers\": " << workers << ", \"rss_mb\": [" << std::flush;
  // Every 100 pages, and after the last one (a run shorter than 100 pages has one sample).
  const int every = std::min(100, std::max(1, pages));
  process_images(list, {}, stages, engines, nullptr, [&](PageWork&) {
    if (++n % every == 0 || n == pages)
      std::cout << (n > every ? ", " : "") << "[" << n << ", " << rss_mb() << "]" << std::flush;
  });
  std::cout << "], \"seconds\": " << ms_since(t0) / 1000 << "}" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << "usage: ocr_pipeline_bench overhead|memory [--engine ppocr|tesseract] [--workers N --pages P] IMAGE...\n";
    return 2;
  }
  int workers = 1, pages = 500;
  OcrParams ocr;
  std::vector<std::filesystem::path> files;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--engine" && i + 1 < args.size()) ocr.recognizer = parse_recognizer(args[++i]);
    else if (args[i] == "--workers" && i + 1 < args.size()) workers = std::stoi(args[++i]);
    else if (args[i] == "--pages" && i + 1 < args.size()) pages = std::stoi(args[++i]);
    else files.emplace_back(args[i]);
  }
  if (files.empty()) return 2;
  if (args[0] == "overhead") return overhead(files, ocr);
  if (args[0] == "memory") return memory(workers, pages, files, ocr);
  return 2;
}
