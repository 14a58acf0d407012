#include "cli/page_commands.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <iostream>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "archive/output_file.h"
#include "cli/exit_codes.h"
#include "models/error.h"
#include "ocr/ocr_engine.h"
#include "ocr/ocr_export.h"
#include "pipeline/page_runner.h"

namespace fs = std::filesystem;

namespace xueji::cli {
namespace {

// Runs the cleanup stages (and the OCR orientation check where needed) on every frame. A file
// that fails goes to `on_error` (which may rethrow) and the next file is processed.
template <class Fn, class OnError>
void for_each_page(const std::vector<std::string>& images, Fn&& fn, OnError&& on_error) {
  EnginePool engines({}, 1);
  const StageFactory stages = [](const EngineProvider& e) { return cleanup_stages(StageParams{}, e); };
  for (const std::string& file : images) {
    try {
      process_images({file}, {}, stages, engines, nullptr, [&](PageWork& work) { fn(file, work); });
    } catch (const Error& e) {
      on_error(e);
    }
  }
}

nlohmann::json to_json(const std::string& file, const PageWork& w) {
  const PageAnalysis& a = w.cleaned.analysis;
  const cv::Rect& c = a.boxes.content;
  const cv::Rect& p = a.boxes.paper;
  nlohmann::json j = {
      {"file", w.input.source == fs::path(file).filename().string() ? file : file + w.input.source.substr(w.input.source.find('#'))},
      {"skew_deg", a.skew.angle_deg},
      {"orientation", a.orientation.orientation},
      {"blank", a.boxes.blank},
      {"faint", a.boxes.faint},
      {"ink_contrast", a.boxes.ink_contrast},
      {"print_contrast", a.boxes.print_contrast},
      {"content_bbox", a.boxes.blank ? nlohmann::json(nullptr) : nlohmann::json{c.x, c.y, c.width, c.height}},
      {"paper_bbox", {p.x, p.y, p.width, p.height}},
      {"color", to_string(a.color.mode)},
      {"seal", a.color.seal},
      {"confidence", a.confidence},
      {"skew_confidence", a.skew.confidence},
      {"orientation_confidence", a.orientation.confidence},
      {"orientation_checked_by_ocr", w.upright_checked},
      {"dpi", w.input.dpi},
      {"width", w.input.image.cols},
      {"height", w.input.image.rows},
  };
  nlohmann::json ms;
  for (const auto& [stage, t] : w.stage_ms) ms[stage] = t;
  j["ms"] = ms;
  return j;
}

}  // namespace

int cmd_analyze(const std::vector<std::string>& images, bool json) {
  // Every file is analysed; a bad one is reported and the others go on.
  std::optional<Exit> failed;
  for_each_page(
      images,
      [&](const std::string& file, const PageWork& w) {
        const nlohmann::json j = to_json(file, w);
        if (json) {
          std::cout << j.dump() << "\n";
          return;
        }
        std::cout << j["file"].get<std::string>() << ": skew " << j["skew_deg"] << "°, orientation "
                  << j["orientation"] << ", " << (j["blank"].get<bool>() ? "blank, " : "")
                  << j["color"].get<std::string>() << (j["seal"].get<bool>() ? ", seal" : "")
                  << ", content " << j["content_bbox"].dump() << ", confidence " << j["confidence"] << "\n";
      },
      [&](const Error& e) {
        std::cout.flush();
        std::cerr << "xueji: error: " << e.what() << "\n";
        if (!failed) failed = exit_for(e.code());
      });
  if (failed && images.size() > 1) std::cerr << "xueji: error: not every file could be analysed\n";
  return code(failed.value_or(Exit::Ok));
}

int cmd_clean(const std::string& image, const std::string& master, const std::string& ocr_image, bool force) {
  check_output_path(master, force);  // refused before the work, not after
  if (!ocr_image.empty()) check_output_path(ocr_image, force);
  int frame = 0;
  for_each_page({image}, [&](const std::string&, const PageWork& w) {
    ++frame;
    auto name = [&](const std::string& path) {
      if (frame == 1) return path;
      const fs::path p(path);
      return (p.parent_path() / (p.stem().string() + "-" + std::to_string(frame) + p.extension().string())).string();
    };
    auto write = [&](const std::string& path, const cv::Mat& m) {
      write_output_file(path, force, [&](const fs::path& temp) {
        if (!cv::imwrite(temp.string(), m)) throw Error(ErrorCode::Io, "cannot write " + path);
      });
      std::cout << path << "\n";
    };
    write(name(master), w.cleaned.master);
    if (!ocr_image.empty()) write(name(ocr_image), w.cleaned.ocr_image);
  }, [](const Error&) { throw; });
  return 0;
}

int cmd_ocr(const std::vector<std::string>& images, const std::string& out_dir, const std::string& format,
            int workers, const OcrParams& ocr) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw Error(ErrorCode::Io, "cannot create " + out_dir + ": " + ec.message());
  EnginePool engines(ocr, workers);
  engines.engine(0);  // a missing language file or model is reported before any work
  std::vector<fs::path> files(images.begin(), images.end());
  std::map<std::string, int> frames;
  const StageFactory stages = [](const EngineProvider& e) { return default_page_stages(StageParams{}, e, nullptr); };
  process_images(files, {}, stages, engines, nullptr, [&](PageWork& w) {
    std::string stem = fs::path(w.input.source.substr(0, w.input.source.find('#'))).stem().string();
    if (++frames[stem] > 1) stem += "-" + std::to_string(frames[stem]);
    // Boxes back in the input image's pixels (the OCR ran on the upright, deskewed master).
    const cv::Matx23d back = [&] {
      cv::Mat inv;
      cv::invertAffineTransform(cv::Mat(w.cleaned.input_to_master), inv);
      return cv::Matx23d(inv);
    }();
    const OcrPage page = transform_boxes(w.ocr, back, w.input.image.cols, w.input.image.rows);
    const fs::path base = fs::path(out_dir) / stem;
    auto write = [](const fs::path& p, const std::string& data) {
      std::ofstream out(p, std::ios::binary);
      out << data;
      if (!out) throw Error(ErrorCode::Io, "cannot write " + p.string());
    };
    write(base.string() + ".txt", page.text() + "\n");
    nlohmann::json j = to_json(page);
    j["file"] = w.input.source;
    j["stage_ms"] = w.stage_ms;
    j["orientation"] = w.cleaned.analysis.orientation.orientation;
    j["orientation_confidence"] = w.cleaned.analysis.orientation.confidence;
    j["blank"] = w.cleaned.analysis.boxes.blank;
    j["faint"] = w.cleaned.analysis.boxes.faint;
    j["review"] = w.review;
    write(base.string() + ".json", j.dump(1) + "\n");
    if (format == "hocr") write(base.string() + ".hocr", to_hocr(page, w.input.source));
    if (format == "alto") write(base.string() + ".alto.xml", to_alto(page, w.input.source));
    std::cout << base.string() << ".txt  (" << page.lines.size() << " lines, confidence "
              << static_cast<int>(page.mean_confidence()) << ")";
    for (const std::string& r : w.review) std::cout << "  [review: " << r << "]";
    std::cout << "\n";
  });
  return 0;
}

}  // namespace xueji::cli
