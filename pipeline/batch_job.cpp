#include "pipeline/batch_job.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "archive/fixity.h"
#include "models/error.h"
#include "models/sha256.h"
#include "models/student_filter.h"
#include "pipeline/batch_log.h"
#include "pipeline/document_builder.h"
#include "pipeline/page_facts.h"
#include "pipeline/page_queue.h"
#include "pipeline/page_runner.h"
#include "pipeline/scan_job.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace xueji {

bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = std::isdigit(static_cast<unsigned char>(a[i])), db = std::isdigit(static_cast<unsigned char>(b[j]));
    if (da && db) {
      size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      std::string na = a.substr(i, ie - i), nb = b.substr(j, je - j);
      na.erase(0, std::min(na.find_first_not_of('0'), na.size()));
      nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size()));
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ie, j = je;
      continue;
    }
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
    ++i, ++j;
  }
  return a.size() - i < b.size() - j;
}

std::vector<fs::path> batch_input_files(const fs::path& dir) {
  static const std::set<std::string> kExt = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pnm", ".pgm",
                                             ".ppm", ".pbm", ".bmp", ".webp"};
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(ErrorCode::NotFound, "not a folder: " + dir.string());
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string ext = e.path().extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (e.is_regular_file() && kExt.count(ext) && e.path().filename().string()[0] != '.') files.push_back(e.path());
  }
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return natural_less(a.filename().string(), b.filename().string()); });
  return files;
}

namespace {

json to_json(const PageFacts& f) {
  json j = json::object();
  if (f.sheet) {
    j["sheet"] = {{"kind", f.sheet->kind == SheetKind::Student ? "student" : f.sheet->kind == SheetKind::DocType ? "doctype" : "next"},
                  {"student", f.sheet->student_id}, {"doctype", f.sheet->doc_type}};
  }
  if (f.sheet_misread) j["sheet_misread"] = true;
  if (f.blank) j["blank"] = true;
  if (!f.roster_ids.empty()) j["roster_ids"] = f.roster_ids;
  if (!f.other_ids.empty()) j["other_ids"] = f.other_ids;
  if (!f.name_ids.empty()) j["name_ids"] = f.name_ids;
  if (!f.title_type.empty()) j["title"] = f.title_type;
  return j;
}

PageFacts facts_from_json(const json& j) {
  PageFacts f;
  if (j.contains("sheet")) {
    const std::string kind = j["sheet"].value("kind", "");
    SheetCode c;
    c.kind = kind == "student" ? SheetKind::Student : kind == "doctype" ? SheetKind::DocType : SheetKind::NextDocument;
    c.student_id = j["sheet"].value("student", "");
    c.doc_type = j["sheet"].value("doctype", "");
    f.sheet = c;
  }
  f.sheet_misread = j.value("sheet_misread", false);
  f.blank = j.value("blank", false);
  f.roster_ids = j.value("roster_ids", std::vector<std::string>{});
  f.other_ids = j.value("other_ids", std::vector<std::string>{});
  f.name_ids = j.value("name_ids", std::vector<std::string>{});
  f.title_type = j.value("title", "");
  return f;
}

json to_json(const PageDecision& d) {
  json j = {{"action", to_string(d.action)}};
  if (!d.student_id.empty()) j["student"] = d.student_id;
  if (!d.doc_type.empty()) j["doctype"] = d.doc_type;
  if (d.document) j["document"] = d.document;
  if (!d.notes.empty()) j["notes"] = d.notes;
  return j;
}

bool same_decision(const PageDecision& d, const json& j) {
  return j.value("action", "") == to_string(d.action) && j.value("student", "") == d.student_id &&
         j.value("doctype", "") == d.doc_type && j.value("document", 0) == d.document;
}

BatchProgress totals_of(const BatchLedger& ledger) {
  const BatchCounts c = ledger.counts();
  BatchProgress p;
  p.processed = c.processed;
  p.committed_pages = c.committed_pages;
  p.documents = c.documents;
  p.review = c.review;
  p.blank = c.blank;
  p.sheets = c.sheets;
  return p;
}

int page_number(const std::string& key) {  // page-0012.png -> 12
  return key.size() > 5 ? std::atoi(key.c_str() + 5) : 0;
}

std::string new_batch_name() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "batch-%Y%m%d-%H%M%S", std::localtime(&t));
  return std::string(buf) + "-" + std::to_string(::getpid());
}

std::string recorded_source(const fs::path& page) {
  fs::path side = page;
  side.replace_extension(".json");
  std::ifstream in(side);
  try {
    return json::parse(in).value("source", "");
  } catch (const json::exception&) {
    return {};
  }
}

}  // namespace

BatchResult run_batch(Catalog& catalog, const SaneLibrary* sane, const BatchRequest& request,
                      const PipelineParams& params, const BatchProgressFn& progress, const CancelToken* cancel) {
  if (request.resume && request.job.empty()) throw Error(ErrorCode::InvalidArgument, "which batch job to resume?");
  const std::string name = request.job.empty() ? new_batch_name() : request.job;
  CaptureJournal journal(catalog.root(), name, request.resume);
  journal.lock_for_capture();
  json& meta = journal.meta();

  if (!request.resume) {
    if (meta.value("state", "new") != "new")
      throw Error(ErrorCode::InvalidArgument, "job " + name + " exists: resume it with `xueji batch resume " + name + "`");
    const bool scan = !request.device.empty();
    if (scan == !request.import_dir.empty())
      throw Error(ErrorCode::InvalidArgument, "a batch takes either a folder to import or a scanner");
    if (request.grade.empty()) throw Error(ErrorCode::InvalidArgument, "a batch needs the grade (--grade)");
    meta["kind"] = "batch";
    meta["source"] = scan ? "scan" : "import";
    meta["grade"] = request.grade;
    meta["class"] = request.class_name;
    meta["split"] = to_string(request.split.mode);
    meta["keep_blank"] = request.split.keep_blank;
    meta["max_pages_per_document"] = request.split.max_pages_per_document;
    if (scan) {
      if (!sane) throw Error(ErrorCode::InvalidArgument, "no scanner library");
      meta["device"] = request.device;
      meta["options"] = xueji::to_json(request.options.value_or(ScanOptions{}));
    } else {
      const std::vector<fs::path> files = batch_input_files(request.import_dir);
      if (files.empty()) throw Error(ErrorCode::NotFound, "no image files in " + request.import_dir.string());
      meta["import_dir"] = fs::absolute(request.import_dir).string();
      json inputs = json::array();
      for (const fs::path& f : files) inputs.push_back(fs::absolute(f).string());
      meta["inputs"] = inputs;
    }
  } else if (meta.value("kind", "") != "batch") {
    throw Error(ErrorCode::InvalidArgument, "job " + name + " is not a batch job (xueji scan --continue continues scans)");
  }
  SplitParams split;
  split.mode = meta.value("split", "sheets") == "text" ? SplitMode::Text : SplitMode::Sheets;
  split.keep_blank = meta.value("keep_blank", false);
  split.max_pages_per_document = meta.value("max_pages_per_document", 0);
  const std::string grade = meta.value("grade", ""), class_name = meta.value("class", "");
  const std::vector<Student> roster = filter_students(catalog.students(), grade, class_name);
  if (roster.empty())
    throw Error(ErrorCode::NotFound, "no student in grade '" + grade + "'" + (class_name.empty() ? "" : ", class '" + class_name + "'") +
                                         " (import the roster first: xueji roster import)");
  std::vector<std::string> type_names;
  for (const DocType& t : catalog.doc_types()) type_names.push_back(t.name);
  const RosterIndex index = make_roster_index(roster, type_names);
  std::map<std::string, Student> students;
  for (const Student& s : roster) students[s.id] = s;
  const bool scan = meta.value("source", "") == "scan";
  if (scan && !sane) throw Error(ErrorCode::InvalidArgument, "this batch scans: no scanner library");

  if (request.resume) recover_archive(catalog);  // files of the document a killed run was building
  meta["state"] = "running";
  if (!meta.contains("started_unix")) meta["started_unix"] = static_cast<long long>(std::time(nullptr));
  journal.save();

  const fs::path log_file = journal.dir() / "batch.jsonl";
  BatchLedger ledger(BatchLog::read(log_file));
  BatchLog log(log_file);
  // A document committed just before a crash, its line not yet written: found by its pages.
  for (const auto& [doc, sha] : ledger.uncommitted_documents()) {
    if (sha.empty()) continue;
    const std::vector<long long> found = catalog.documents_with_source(sha);
    if (found.empty()) continue;
    const json e = {{"e", "commit"}, {"document", doc}, {"id", found.front()}, {"recovered", true}};
    log.append(e);
    ledger.add(e);
  }

  // Pages already journaled: the settled ones are replayed, the others processed again.
  std::vector<std::pair<int, std::string>> replay;  // journal number, key: settled pages, in order
  PageQueue queue;
  std::mutex budget_mutex;
  std::condition_variable budget_cv;
  long long pending_bytes = 0;
  std::map<std::string, long long> page_bytes;
  int captured = 0;
  std::set<std::string> present_sources;
  // Settled pages are replayed whether or not their image is still in the journal (a finished
  // job's filed pages are removed from it), and their sources are not copied in again.
  for (const auto& [key, e] : ledger.pages())
    if (ledger.settled(key)) {
      replay.emplace_back(page_number(key), key);
      present_sources.insert(e.value("source", ""));
    }
  int highest = replay.empty() ? 0 : std::max_element(replay.begin(), replay.end())->first;
  for (const fs::path& p : journal.pages()) {
    const std::string key = p.filename().string();
    present_sources.insert(recorded_source(p));
    highest = std::max(highest, page_number(key));
    if (!ledger.settled(key)) {
      std::error_code ec;
      page_bytes[key] = static_cast<long long>(fs::file_size(p, ec));
      pending_bytes += page_bytes[key];
      queue.push(p);
    }
  }

  captured = highest;
  const auto t0 = std::chrono::steady_clock::now();
  std::atomic<int> captured_count{captured};
  std::atomic<bool> capture_done{false};
  CancelToken stop_producer;
  auto journal_page = [&](const fs::path& page) {
    std::error_code ec;
    const long long bytes = static_cast<long long>(fs::file_size(page, ec));
    {
      std::lock_guard lock(budget_mutex);
      page_bytes[page.filename().string()] = bytes;
      pending_bytes += bytes;
    }
    ++captured_count;
    queue.push(page);
  };
  auto wait_for_budget = [&] {
    std::unique_lock lock(budget_mutex);
    budget_cv.wait(lock, [&] { return pending_bytes <= request.journal_budget_bytes || stop_producer.cancelled(); });
    return !stop_producer.cancelled();
  };

  std::thread producer([&] {
    try {
      if (!scan) {
        for (const auto& in : meta["inputs"]) {
          const std::string file = in.get<std::string>();
          if (present_sources.count(file)) continue;
          if (stop_producer.cancelled() || (cancel && cancel->cancelled()) || !wait_for_budget()) break;
          std::error_code ec;
          if (!fs::is_regular_file(file, ec))
            throw Error(ErrorCode::NotFound, "input file gone since the batch began: " + file);
          std::string ext = fs::path(file).extension().string();
          for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          std::vector<LoadedImage> frames;
          if (ext == ".tif" || ext == ".tiff") frames = load_image_file(file, params.load);
          if (frames.size() > 1) {  // one journal page per frame
            for (size_t k = 0; k < frames.size(); ++k) {
              const std::string src = file + "#" + std::to_string(k + 1);
              if (present_sources.count(src)) continue;
              ScanFrame f;
              f.image = frames[k].image;
              f.dpi = frames[k].dpi;
              journal_page(journal.add_page(f, src));
            }
          } else {
            journal_page(journal.add_file(file));
          }
        }
      } else {
        const ScanOptions options = scan_options_from_json(meta["options"]);
        std::unique_ptr<Scanner> scanner = sane->open(meta.value("device", ""));
        scanner->configure(options);
        for (;;) {
          if ((cancel && cancel->cancelled()) || !wait_for_budget()) break;
          std::optional<ScanFrame> frame;
          try {
            frame = scanner->next_page(&stop_producer);
          } catch (const ScanError& e) {
            // An empty feeder ends the stack once pages were captured (a resumed batch too).
            if (e.fault() == ScanFault::NoDocs && captured_count > 0) break;
            throw;
          }
          if (!frame) break;
          journal_page(journal.add_page(*frame));
        }
      }
      capture_done = true;
      queue.close(nullptr);
    } catch (...) {
      queue.close(std::current_exception());
    }
  });
  auto stop_capture = [&] {
    stop_producer.cancel();
    budget_cv.notify_all();
    if (producer.joinable()) producer.join();
  };

  BatchSplitter splitter(split, index.ids);
  std::unique_ptr<DocumentBuilder> builder;
  int builder_doc = 0;
  std::string current_student;
  size_t next_replay = 0;
  int processed_this_run = 0;
  std::sort(replay.begin(), replay.end());

  auto report = [&](const std::string& event) {
    if (!progress) return;
    BatchProgress p = totals_of(ledger);
    p.captured = captured_count;
    p.capture_done = capture_done;
    p.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    p.pages_per_min = p.elapsed_s > 0 ? processed_this_run * 60.0 / p.elapsed_s : 0;
    if (p.capture_done && processed_this_run > 0) p.eta_s = (p.captured - p.processed) * p.elapsed_s / processed_this_run;
    p.student = current_student;
    p.event = event;
    progress(p);
  };
  auto commit_open = [&] {
    if (!builder) return;
    const BuiltDocument built = builder->commit();
    builder.reset();
    const json e = {{"e", "commit"}, {"document", builder_doc}, {"id", built.document_id},
                    {"pages", built.pages.size()}, {"pdf", built.pdf_path.generic_string()}};
    log.append(e);
    ledger.add(e);
    builder_doc = 0;
    report("committed");
  };
  // The splitter closed the open document (a sheet, another student, an unsure page).
  auto close_if_ended = [&](const PageDecision& d) {
    if (builder && (d.action != PageAction::Assign || d.document != builder_doc)) commit_open();
  };
  auto replay_before = [&](int number) {
    for (; next_replay < replay.size() && replay[next_replay].first < number; ++next_replay) {
      const json& e = *ledger.page(replay[next_replay].second);
      const PageDecision d = splitter.next(facts_from_json(e["facts"]));
      if (!same_decision(d, e["decision"]))
        throw Error(ErrorCode::Integrity, "batch " + name + ": page " + replay[next_replay].second +
                                              " no longer replays as logged; the batch log was changed");
      close_if_ended(d);
      if (d.action == PageAction::Assign) current_student = d.student_id;
    }
  };

  const std::function<void(PageWork&)> sink = [&](PageWork& work) {
    const std::string key = work.input.file.filename().string();
    replay_before(page_number(key));
    const PageFacts facts = page_facts(work, index);
    const PageDecision d = splitter.next(facts);
    close_if_ended(d);
    const std::string sha = sha256_file(work.input.file);
    json e = {{"e", "page"},     {"page", key},          {"source", recorded_source(work.input.file)},
              {"sha256", sha}, {"facts", to_json(facts)}, {"decision", to_json(d)}};
    if (!work.review.empty()) e["flags"] = work.review;
    if (work.sheet && !work.sheet->message.empty()) e["sheet_message"] = work.sheet->message;
    if (!work.settled) e["ocr_confidence"] = work.ocr.mean_confidence();
    log.append(e);
    if (d.action == PageAction::Assign) {
      current_student = d.student_id;
      if (!builder) {
        std::optional<DocType> type = catalog.find_doc_type(d.doc_type);
        if (!type) type = catalog.find_doc_type(split.default_type);
        if (!type) throw Error(ErrorCode::InvalidArgument, "unknown document type: " + d.doc_type);
        DocumentTarget target{students.at(d.student_id), *type, std::nullopt, {}, true};
        builder = std::make_unique<DocumentBuilder>(catalog, target, params.pdf, params.master_jpeg_quality);
        builder_doc = d.document;
      }
      builder->add_page(work, sha);
    }
    ledger.add(e);
    {
      std::lock_guard lock(budget_mutex);
      pending_bytes -= page_bytes[key];
    }
    budget_cv.notify_all();
    ++processed_this_run;
    report("page");
  };

  EnginePool engines(params.ocr, params.workers);
  const StageFactory stages = [&](const EngineProvider& e) {
    if (params.worker_nice > 0 || scan) lower_this_thread_priority(std::max(params.worker_nice, scan ? 10 : 0));
    std::vector<PageStage> list{separator_sheet_stage(SheetParams{})};
    for (PageStage& s : default_page_stages(params.stages, e, cancel)) list.push_back(std::move(s));
    return list;
  };
  const ImageSource source = [&]() -> std::optional<fs::path> { return queue.pop(); };

  BatchResult result;
  result.job = name;
  try {
    process_images(source, params.load, stages, engines, cancel, sink);
    if (cancel && cancel->cancelled()) throw Error(ErrorCode::Cancelled, "batch paused");
    replay_before(1 << 30);
    commit_open();
  } catch (const Error& e) {
    builder.reset();  // rolls the open document back
    stop_capture();
    meta["state"] = e.code() == ErrorCode::Cancelled ? "paused" : "interrupted";
    if (e.code() != ErrorCode::Cancelled) meta["error"] = e.what();
    journal.save();
    if (e.code() != ErrorCode::Cancelled) throw;
    result.state = "paused";
    result.totals = totals_of(ledger);
    result.totals.captured = captured_count;
    return result;
  } catch (...) {
    builder.reset();
    stop_capture();
    meta["state"] = "interrupted";
    journal.save();
    throw;
  }
  stop_capture();

  // Settled pages leave the journal (their documents hold them); pages in review stay.
  journal.release_pages([&](const fs::path& p) {
    const std::string key = p.filename().string();
    const json* e = ledger.page(key);
    return e && ledger.settled(key) && (*e)["decision"].value("action", "") != "review";
  });
  result.totals = totals_of(ledger);
  result.totals.captured = captured_count;
  result.totals.capture_done = true;
  result.state = result.totals.review > 0 ? "review" : "done";
  meta["state"] = result.state;
  meta.erase("error");
  meta["finished_unix"] = static_cast<long long>(std::time(nullptr));
  meta["seconds"] = meta.value("seconds", 0.0) + std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  meta["pages_processed_in_runs"] = meta.value("pages_processed_in_runs", 0) + processed_this_run;
  meta["pages"] = captured_count.load();
  journal.save();
  report("done");
  return result;
}

}  // namespace xueji
