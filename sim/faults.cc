#include "sim/faults.h"

#include "sim/util.h"

namespace fct::sim {

namespace {

using json = nlohmann::json;

struct ProbabilityField {
  const char* name;
  double ApiFaults::*member;
};

const ProbabilityField kProbabilities[] = {
    {"http500", &ApiFaults::http500},
    {"http502", &ApiFaults::http502},
    {"http503", &ApiFaults::http503},
    {"http504", &ApiFaults::http504},
    {"http429", &ApiFaults::http429},
    {"reset", &ApiFaults::reset},
    {"slow", &ApiFaults::slow},
    {"invalidJson", &ApiFaults::invalid_json},
    {"truncate", &ApiFaults::truncate},
    {"graphqlError", &ApiFaults::graphql_error},
    {"expireToken", &ApiFaults::expire_token},
    {"concurrentWriter", &ApiFaults::concurrent_writer},
    {"duplicateRace", &ApiFaults::duplicate_race},
};

Result<ApiFaults> parse_api(const json& j, const std::string& api) {
  ApiFaults f;
  if (j.is_null()) return f;
  if (!j.is_object()) return make_error(ErrorCode::kInvalidArgument, "faults." + api + ": expected an object");
  for (const auto& [key, value] : j.items()) {
    const std::string path = "faults." + api + "." + key;
    if (key == "retryAfterS" || key == "slowMs") {
      if (!value.is_number_integer() || value.get<int64_t>() < 0) {
        return make_error(ErrorCode::kInvalidArgument, path + ": expected a non-negative integer");
      }
      (key == "retryAfterS" ? f.retry_after_s : f.slow_ms) = value.get<int>();
      continue;
    }
    const ProbabilityField* field = nullptr;
    for (const auto& p : kProbabilities) {
      if (key == p.name) field = &p;
    }
    if (!field) return make_error(ErrorCode::kInvalidArgument, path + ": unknown fault");
    if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 1) {
      return make_error(ErrorCode::kInvalidArgument, path + ": expected a probability in [0, 1]");
    }
    f.*(field->member) = value.get<double>();
  }
  return f;
}

json api_to_json(const ApiFaults& f) {
  json j = json::object();
  for (const auto& p : kProbabilities) j[p.name] = f.*(p.member);
  j["retryAfterS"] = f.retry_after_s;
  j["slowMs"] = f.slow_ms;
  return j;
}

bool any(const ApiFaults& f) {
  for (const auto& p : kProbabilities) {
    if (f.*(p.member) > 0) return true;
  }
  return false;
}

}  // namespace

Result<FaultConfig> parse_fault_config(const json& j) {
  FaultConfig c;
  if (j.is_null()) return c;
  if (!j.is_object()) return make_error(ErrorCode::kInvalidArgument, "faults: expected an object");
  for (const auto& [key, value] : j.items()) {
    if (key == "seed") {
      if (!value.is_number_integer()) return make_error(ErrorCode::kInvalidArgument, "faults.seed: expected an integer");
      c.seed = value.get<uint64_t>();
    } else if (key == "fluent") {
      FCT_ASSIGN_OR_RETURN(c.fluent, parse_api(value, "fluent"));
    } else if (key == "ct") {
      FCT_ASSIGN_OR_RETURN(c.ct, parse_api(value, "ct"));
    } else {
      return make_error(ErrorCode::kInvalidArgument, "faults." + key + ": unknown key (expected seed, fluent, ct)");
    }
  }
  return c;
}

json fault_config_to_json(const FaultConfig& c) {
  return {{"seed", c.seed}, {"fluent", api_to_json(c.fluent)}, {"ct", api_to_json(c.ct)}};
}

const char* fault_name(FaultDecision::Kind kind) {
  switch (kind) {
    case FaultDecision::Kind::kNone: return "none";
    case FaultDecision::Kind::kHttp500: return "http500";
    case FaultDecision::Kind::kHttp502: return "http502";
    case FaultDecision::Kind::kHttp503: return "http503";
    case FaultDecision::Kind::kHttp504: return "http504";
    case FaultDecision::Kind::kHttp429: return "http429";
    case FaultDecision::Kind::kReset: return "reset";
    case FaultDecision::Kind::kInvalidJson: return "invalidJson";
    case FaultDecision::Kind::kTruncate: return "truncate";
    case FaultDecision::Kind::kGraphqlError: return "graphqlError";
    case FaultDecision::Kind::kExpireToken: return "expireToken";
  }
  return "none";
}

void FaultInjector::configure(const FaultConfig& config) {
  std::lock_guard lock(mu_);
  config_ = config;
  any_fluent_ = any(config.fluent);
  any_ct_ = any(config.ct);
  fluent_n_ = ct_n_ = writer_n_ = race_n_ = 0;
}

FaultConfig FaultInjector::config() const {
  std::lock_guard lock(mu_);
  return config_;
}

FaultDecision FaultInjector::next_request(Api api) {
  FaultDecision d;
  std::lock_guard lock(mu_);
  if (!(api == Api::kFluent ? any_fluent_ : any_ct_)) return d;
  const ApiFaults& f = api == Api::kFluent ? config_.fluent : config_.ct;
  const uint64_t n = (api == Api::kFluent ? fluent_n_ : ct_n_)++;
  const uint64_t base = hash_combine(config_.seed, hash_combine(api == Api::kFluent ? 1 : 2, n));
  if (f.slow > 0 && unit_interval(hash_combine(base, 1)) < f.slow) d.slow_ms = f.slow_ms;
  // One draw walks the cumulative probabilities of the exclusive faults.
  const double u = unit_interval(hash_combine(base, 2));
  const std::pair<double, FaultDecision::Kind> exclusive[] = {
      {f.http500, FaultDecision::Kind::kHttp500},       {f.http502, FaultDecision::Kind::kHttp502},
      {f.http503, FaultDecision::Kind::kHttp503},       {f.http504, FaultDecision::Kind::kHttp504},
      {f.http429, FaultDecision::Kind::kHttp429},       {f.reset, FaultDecision::Kind::kReset},
      {f.invalid_json, FaultDecision::Kind::kInvalidJson}, {f.truncate, FaultDecision::Kind::kTruncate},
      {f.graphql_error, FaultDecision::Kind::kGraphqlError}, {f.expire_token, FaultDecision::Kind::kExpireToken},
  };
  double acc = 0;
  for (const auto& [p, kind] : exclusive) {
    acc += p;
    if (p > 0 && u < acc) {
      d.kind = kind;
      break;
    }
  }
  d.retry_after_s = f.retry_after_s;
  return d;
}

bool FaultInjector::next_concurrent_writer() {
  std::lock_guard lock(mu_);
  if (config_.ct.concurrent_writer <= 0) return false;
  const uint64_t n = writer_n_++;
  return unit_interval(hash_combine(config_.seed, hash_combine(3, n))) < config_.ct.concurrent_writer;
}

bool FaultInjector::next_duplicate_race() {
  std::lock_guard lock(mu_);
  if (config_.ct.duplicate_race <= 0) return false;
  const uint64_t n = race_n_++;
  return unit_interval(hash_combine(config_.seed, hash_combine(4, n))) < config_.ct.duplicate_race;
}

}  // namespace fct::sim
