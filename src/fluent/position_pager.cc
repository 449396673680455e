#include "fluent/position_pager.h"

#include "api/reply_decoders.h"

#include <algorithm>

namespace fct {

PositionPager::PositionPager(GraphQLClient& fluent, std::string document, PositionQuery query)
    : fluent_(fluent), document_(std::move(document)), query_(std::move(query)) {}

PositionPager::~PositionPager() {
  if (pending_.valid()) pending_.wait();
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (fetcher_.joinable()) fetcher_.join();
}

void PositionPager::fetch_loop() {
  for (;;) {
    std::packaged_task<Fetched()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || task_.valid(); });
      if (!task_.valid()) return;  // stopping, nothing left to fetch
      task = std::move(task_);
    }
    task();
  }
}

PositionPager::Fetched PositionPager::fetch(const std::string& after, int number) {
  nlohmann::json vars = {{"catalogueRef", query_.catalogue_ref}, {"first", query_.page_size}};
  if (!after.empty()) vars["after"] = after;
  if (query_.updated_from) vars["updatedOnFrom"] = format_timestamp_utc(*query_.updated_from);
  if (query_.updated_to) vars["updatedOnTo"] = format_timestamp_utc(*query_.updated_to);
  if (!query_.product_refs.empty()) vars["productRefs"] = query_.product_refs;
  if (!query_.refs.empty()) vars["refs"] = query_.refs;
  std::optional<std::pair<PositionPage, std::string>> decoded;
  auto data = fluent_.query("fluent.virtualPositions", document_, vars, [&](std::string& body) {
    decoded = decode::virtual_positions(body, number, static_cast<size_t>(std::max(query_.page_size, 0)));
    return decoded.has_value();
  });
  if (!data.ok()) return data.error().context("virtualPositions page " + std::to_string(number));
  if (decoded) return std::move(*decoded);
  return parse_page(*data, number);
}

void PositionPager::prefetch(const std::string& after, int number) {
  arrived_ = false;
  std::packaged_task<Fetched()> task([this, after, number] {
    auto fetched = fetch(after, number);
    // The future turns ready only when this returns; arrived_ lets ready()
    // say yes a moment earlier, and next() then waits only for the return.
    arrived_ = true;
    if (notify_) notify_();
    return fetched;
  });
  pending_ = task.get_future();
  {
    std::lock_guard lock(mu_);
    task_ = std::move(task);
  }
  if (!fetcher_.joinable()) fetcher_ = std::thread([this] { fetch_loop(); });
  cv_.notify_one();
}

bool PositionPager::ready() const {
  return done_ || !pending_.valid() || arrived_ ||
         pending_.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

Result<std::optional<PositionPage>> PositionPager::next() {
  if (done_) return std::optional<PositionPage>();
  Fetched fetched = pending_.valid() ? pending_.get() : fetch(query_.after, ++number_);
  if (!fetched.ok()) {
    done_ = true;
    return fetched.error();
  }
  auto& [page, cursor] = fetched.value();
  if (cursor.empty()) {
    done_ = true;
  } else {
    prefetch(cursor, ++number_);
  }
  return std::optional<PositionPage>(std::move(page));
}

Result<std::pair<PositionPage, std::string>> PositionPager::parse_page(const nlohmann::json& data, int number) {
  auto shape = [&](const std::string& what) {
    return make_error(ErrorCode::kProtocol,
                      "virtualPositions page " + std::to_string(number) + " has an unexpected shape: " + what);
  };
  if (!data.is_object() || !data.contains("virtualPositions")) return shape("no virtualPositions");
  const auto& conn = data["virtualPositions"];
  if (!conn.is_object()) return shape("virtualPositions is not an object");
  // The seed's document aliases edges/node; accept both spellings.
  const char* edges_key = conn.contains("edges") ? "edges" : "virtualPositionEdge";
  if (!conn.contains(edges_key) || !conn[edges_key].is_array()) return shape("edges is not a list");
  const auto& edges = conn[edges_key];
  bool has_next = false;
  if (conn.contains("pageInfo") && conn["pageInfo"].is_object() && conn["pageInfo"].contains("hasNextPage")) {
    const auto& h = conn["pageInfo"]["hasNextPage"];
    if (!h.is_boolean()) return shape("pageInfo.hasNextPage is not a boolean");
    has_next = h.get<bool>();
  } else {
    return shape("pageInfo.hasNextPage is missing");
  }
  PositionPage page;
  page.number = number;
  page.positions.reserve(edges.size());
  std::string cursor;
  for (const auto& edge : edges) {
    if (!edge.is_object()) return shape("an edge is not an object");
    const char* node_key = edge.contains("node") ? "node" : "virtualPositionNode";
    if (!edge.contains(node_key)) return shape("an edge has no node");
    auto position = parse_virtual_position(edge[node_key]);
    if (position.ok()) {
      page.positions.push_back(std::move(position).value());
    } else {
      std::string ref = edge[node_key].is_object() && edge[node_key].contains("ref") && edge[node_key]["ref"].is_string()
                            ? edge[node_key]["ref"].get<std::string>()
                            : "";
      page.invalid.push_back(InvalidPosition{ref, position.error().message});
    }
    if (edge.contains("cursor") && edge["cursor"].is_string()) cursor = edge["cursor"].get<std::string>();
  }
  if (has_next && cursor.empty()) return shape("hasNextPage is true but the last edge has no cursor");
  page.end_cursor = cursor;
  return std::make_pair(std::move(page), has_next ? cursor : std::string());
}

}  // namespace fct
