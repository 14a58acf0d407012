#include "archive/document_manifest.h"

#include <nlohmann/json.hpp>

#include "models/error.h"

namespace xueji {

using nlohmann::json;

std::filesystem::path manifest_path_for(const std::filesystem::path& pdf) {
  std::filesystem::path p = pdf;
  return p.replace_extension(".json");
}

std::string manifest_json(const DocumentManifest& m) {
  const Student& s = m.student;
  const DocumentRecord& d = m.document;
  json pages = json::array();
  for (const PageRecord& p : d.pages)
    pages.push_back({{"number", p.number}, {"source", p.source}, {"source_sha256", p.source_sha256},
                     {"width", p.width}, {"height", p.height}, {"dpi", p.dpi}, {"skew_deg", p.skew_deg},
                     {"orientation", p.orientation}, {"blank", p.blank}, {"color_mode", p.color_mode},
                     {"seal", p.seal},
                     {"content_box", {p.content_box.x, p.content_box.y, p.content_box.w, p.content_box.h}},
                     {"analysis_confidence", p.analysis_confidence}, {"ocr_confidence", p.ocr_confidence},
                     {"text", p.text}, {"words", p.words}});
  json files = json::array();
  for (const FileRecord& f : d.files)
    files.push_back({{"path", f.path}, {"kind", f.kind}, {"page", f.page}, {"sha256", f.sha256}, {"size", f.size}});
  json j = {{"format", "xueji-document-manifest"},
            {"version", 1},
            {"revision", m.revision},
            {"student",
             {{"id", s.id}, {"name", s.name}, {"gender", s.gender}, {"birth_date", s.birth_date},
              {"grade", s.grade}, {"class_name", s.class_name}, {"ethnicity", s.ethnicity},
              {"school", s.school}, {"status", s.status}}},
            {"document",
             {{"id", d.id}, {"doc_type", d.doc_type}, {"type_code", d.type_code}, {"sequence", d.sequence},
              {"title", d.title}, {"pdf_path", d.pdf_path}, {"created_at", d.created_at},
              {"declared_pages", d.declared_pages ? json(*d.declared_pages) : json(nullptr)},
              {"doc_date", d.doc_date}}},
            {"pages", pages},
            {"files", files}};
  return j.dump(1) + "\n";
}

DocumentManifest parse_manifest(const std::string& text, const std::string& what) {
  try {
    const json j = json::parse(text);
    if (j.at("format") != "xueji-document-manifest" || j.at("version").get<int>() != 1)
      throw Error(ErrorCode::BadFormat, what + ": not a Xueji document manifest of version 1");
    DocumentManifest m;
    m.revision = j.value("revision", 1);
    const json& s = j.at("student");
    m.student = {s.at("id"), s.at("name"), s.at("gender"), s.at("birth_date"), s.at("grade"),
                 s.at("class_name"), s.at("ethnicity"), s.at("school"), s.at("status")};
    const json& d = j.at("document");
    DocumentRecord& r = m.document;
    r.id = d.at("id");
    r.student_id = m.student.id;
    r.doc_type = d.at("doc_type");
    r.type_code = d.at("type_code");
    r.sequence = d.at("sequence");
    r.title = d.at("title");
    r.pdf_path = d.at("pdf_path");
    r.created_at = d.at("created_at");
    if (!d.at("declared_pages").is_null()) r.declared_pages = d.at("declared_pages").get<int>();
    r.doc_date = d.at("doc_date");
    for (const json& p : j.at("pages")) {
      PageRecord pr;
      pr.number = p.at("number");
      pr.source = p.at("source");
      pr.source_sha256 = p.at("source_sha256");
      pr.width = p.at("width");
      pr.height = p.at("height");
      pr.dpi = p.at("dpi");
      pr.skew_deg = p.at("skew_deg");
      pr.orientation = p.at("orientation");
      pr.blank = p.at("blank");
      pr.color_mode = p.at("color_mode");
      pr.seal = p.at("seal");
      const json& b = p.at("content_box");
      pr.content_box = {b.at(0), b.at(1), b.at(2), b.at(3)};
      pr.analysis_confidence = p.at("analysis_confidence");
      pr.ocr_confidence = p.at("ocr_confidence");
      pr.text = p.at("text");
      pr.words = p.at("words");
      r.pages.push_back(std::move(pr));
    }
    for (const json& f : j.at("files"))
      r.files.push_back({f.at("path"), f.at("kind"), f.at("page"), f.at("sha256"), f.at("size")});
    return m;
  } catch (const json::exception& e) {
    throw Error(ErrorCode::BadFormat, what + ": unreadable document manifest: " + e.what());
  }
}

}  // namespace xueji
