#pragma once
// `xueji init`, `roster import`, `import`, `search` and `pdf`.
#include <filesystem>
#include <string>

#include "ocr/ocr_engine.h"
#include <vector>

namespace xueji::cli {

// --archive, else $XUEJI_ARCHIVE; throws when neither is given.
std::filesystem::path archive_dir(const std::string& option);

int cmd_init(const std::string& dir);
// Exit::BadInput when rows were rejected (the accepted rows are still imported).
int cmd_roster_import(const std::string& archive, const std::string& op, const std::string& file, bool dry_run);
int cmd_import(const std::string& archive, const std::string& op, const std::string& student,
               const std::string& doctype, const std::vector<std::string>& images, bool quiet, int declared,
               const std::string& date, int workers, const OcrParams& ocr, bool allow_duplicate);
// The query of `xueji search` from its QUERY words and the arguments the parser did not know
// (a term like -type:体检表 begins with '-'), in the order of `args` (the command line); throws
// Error(InvalidArgument) for an unknown --option or no query at all.
std::string search_query(const std::vector<std::string>& args, const std::vector<std::string>& words,
                         const std::vector<std::string>& extras);
int cmd_search(const std::string& archive, const std::string& query, int limit, int offset, bool json);
int cmd_index_rebuild(const std::string& archive, const std::string& op);
int cmd_pdf(const std::string& archive, const std::vector<std::string>& images, const std::string& out,
            const std::string& level, const std::string& title, const std::string& student, int workers,
            int jpeg_quality, const OcrParams& ocr, bool force);
int cmd_check_pdf(const std::string& file, const std::string& level);

}  // namespace xueji::cli
