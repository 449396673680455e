// The two simulated GraphQL APIs: schemas (sim/schema/*.graphql, embedded at
// build time) plus root-field resolvers over the simulator's stores.
//
// Resolvers report API errors as graphql::FieldError with the API's codes in
// `extensions.code`: Fluent codes such as C0100E (see docs/SIMULATOR.md), and
// commercetools codes such as DuplicateField or ConcurrentModification.
//
// Thread safety: execute() is safe to call from many threads.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "common/result.h"
#include "graphql/graphql.h"
#include "sim/data.h"
#include "sim/faults.h"
#include "sim/stats.h"
#include "sim/util.h"

namespace fct::sim {

// Names of every field selected anywhere below `field` (an over-approximation
// of what a resolver must build), or nullopt when a named fragment is used.
std::optional<std::set<std::string>> selected_field_names(const graphql::Field& field);

// The embedded SDL texts.
std::string_view fluent_schema_sdl();
std::string_view ct_schema_sdl();

struct FluentApiOptions {
  size_t default_page_size = 100;
  size_t max_page_size = 5000;
};

class FluentGraphQL {
 public:
  // Fails only if the embedded schema does not parse.
  static Result<std::unique_ptr<FluentGraphQL>> create(SimState& state, Stats& stats, FluentApiOptions options,
                                                      Clock clock);
  graphql::Response execute(graphql::Request&& request) const;

 private:
  FluentGraphQL(SimState& state, Stats& stats, FluentApiOptions options, Clock clock)
      : state_(state), stats_(stats), options_(options), clock_(std::move(clock)) {}

  nlohmann::json virtual_positions(const graphql::ResolveContext& ctx) const;
  nlohmann::json virtual_position(const graphql::ResolveContext& ctx) const;
  nlohmann::json settings(const graphql::ResolveContext& ctx) const;
  nlohmann::json setting(const graphql::ResolveContext& ctx) const;
  nlohmann::json create_setting(const graphql::ResolveContext& ctx) const;
  nlohmann::json update_setting(const graphql::ResolveContext& ctx) const;

  SimState& state_;
  Stats& stats_;
  const FluentApiOptions options_;
  const Clock clock_;
  std::unique_ptr<graphql::Executor> executor_;
};

class CtGraphQL {
 public:
  static Result<std::unique_ptr<CtGraphQL>> create(SimState& state, Stats& stats, FaultInjector& faults, Clock clock);
  graphql::Response execute(graphql::Request&& request) const;

 private:
  CtGraphQL(SimState& state, Stats& stats, FaultInjector& faults, Clock clock)
      : state_(state), stats_(stats), faults_(faults), clock_(std::move(clock)) {}

  nlohmann::json channel(const graphql::ResolveContext& ctx) const;
  nlohmann::json channels(const graphql::ResolveContext& ctx) const;
  nlohmann::json inventory_entry(const graphql::ResolveContext& ctx) const;
  nlohmann::json inventory_entries(const graphql::ResolveContext& ctx) const;
  nlohmann::json create_inventory_entry(const graphql::ResolveContext& ctx) const;
  nlohmann::json update_inventory_entry(const graphql::ResolveContext& ctx) const;
  nlohmann::json delete_inventory_entry(const graphql::ResolveContext& ctx) const;

  SimState& state_;
  Stats& stats_;
  FaultInjector& faults_;
  const Clock clock_;
  std::unique_ptr<graphql::Executor> executor_;
};

}  // namespace fct::sim
