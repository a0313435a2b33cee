#include "model_io.hpp"

#include <compss/error.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace dislib::detail {

namespace {
constexpr const char* kFormat = "dislib-model";
constexpr int kVersion = 1;

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw compss::Error("dislib: " + path + ": " + what);
}

const Json& find(const Json& model, const std::string& path, const std::string& field) {
  const Json& fitted = model.at("fitted");
  if (!fitted.contains(field)) bad(path, "the model has no fitted '" + field + "'");
  return fitted.at(field);
}
}  // namespace

void write_model(const std::string& path, const std::string& estimator, Json params,
                 Json fitted) {
  Json doc = {{"format", kFormat},
              {"version", kVersion},
              {"estimator", estimator},
              {"params", std::move(params)},
              {"fitted", std::move(fitted)}};
  std::ofstream out(path);
  if (!out) bad(path, std::string("cannot write: ") + std::strerror(errno));
  out << doc.dump(1) << '\n';
  if (!out.flush()) bad(path, "error writing");
}

Json read_model(const std::string& path, const std::string& estimator) {
  std::ifstream in(path);
  if (!in) bad(path, std::string("cannot open: ") + std::strerror(errno));
  Json doc;
  try {
    doc = Json::parse(in);
  } catch (const Json::parse_error& e) {
    bad(path, std::string("not a JSON model: ") + e.what());
  }
  if (!doc.is_object() || doc.value("format", "") != kFormat)
    bad(path, "not a dislib model (no \"format\": \"dislib-model\")");
  if (doc.value("version", 0) != kVersion)
    bad(path, "model version " + doc.value("version", Json()).dump() + " is not supported (" +
                  std::to_string(kVersion) + " is)");
  if (doc.value("estimator", "") != estimator)
    bad(path, "holds a " + doc.value("estimator", std::string("?")) + ", not a " + estimator);
  if (!doc.contains("params") || !doc.contains("fitted"))
    bad(path, "the model has no \"params\" or no \"fitted\"");
  return doc;
}

Matrix matrix_field(const Json& model, const std::string& path, const std::string& field) {
  try {
    return find(model, path, field).get<Matrix>();
  } catch (const Json::exception& e) {
    bad(path, "fitted '" + field + "' is not a matrix of numbers: " + e.what());
  }
}

std::vector<double> vector_field(const Json& model, const std::string& path,
                                 const std::string& field) {
  try {
    return find(model, path, field).get<std::vector<double>>();
  } catch (const Json::exception& e) {
    bad(path, "fitted '" + field + "' is not a list of numbers: " + e.what());
  }
}

double number_field(const Json& model, const std::string& path, const std::string& field) {
  const Json& v = find(model, path, field);
  if (!v.is_number()) bad(path, "fitted '" + field + "' is not a number");
  return v.get<double>();
}

}  // namespace dislib::detail
