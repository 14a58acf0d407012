#include "pipeline/pdf_job.h"

#include <memory>

#include "models/error.h"

namespace xueji {

int make_pdf(const std::vector<std::filesystem::path>& images, const std::filesystem::path& output,
             const PdfJobParams& params, const ProgressFn& progress, const CancelToken* cancel) {
  if (images.empty()) throw Error(ErrorCode::InvalidArgument, "no image files given");
  EnginePool engines(params.ocr, params.workers);
  engines.engine(0);  // a missing language file is reported before any page work
  PdfWriter writer(params.pdf);
  writer.begin(output);
  process_images(images, params.load, [&](const EngineProvider& e) { return default_page_stages(params.stages, e, cancel); },
                 engines, cancel,
                 [&](PageWork& w) { writer.add_page(archive_image(w), w.ocr); }, progress);
  const int pages = writer.pages();
  writer.end();
  return pages;
}

}  // namespace xueji
