// Saved models: one JSON document per fitted estimator (docs/dislib.md, "Saving models"):
//   {"format": "dislib-model", "version": 1, "estimator": "KMeans",
//    "params": {...scikit-learn parameter names...}, "fitted": {...attributes...}}
// Doubles are written with 17 significant digits, so a loaded model is bit-identical.
#pragma once

#include <compss/dislib/array.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace dislib::detail {

using Json = nlohmann::json;

/// Writes the model; throws compss::Error naming the path if it cannot.
void write_model(const std::string& path, const std::string& estimator, Json params,
                 Json fitted);

/// Reads a model saved by write_model for `estimator`; throws compss::Error naming the
/// path for a file that is not one (not JSON, another estimator, another version).
Json read_model(const std::string& path, const std::string& estimator);

/// A field of the model, with an error naming the path and the field when it is missing
/// or of another type.
Matrix matrix_field(const Json& model, const std::string& path, const std::string& field);
std::vector<double> vector_field(const Json& model, const std::string& path,
                                 const std::string& field);
double number_field(const Json& model, const std::string& path, const std::string& field);

}  // namespace dislib::detail
