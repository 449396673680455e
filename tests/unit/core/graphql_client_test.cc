#include "api/graphql_client.h"

#include <gtest/gtest.h>

#include "fake_ct.h"

namespace fct {
namespace {

TEST(GraphQLClient, RefreshesTokenOnceOn401) {
  int calls = 0;
  net::ScriptedTransport transport([&](const net::HttpRequest& r) {
    ++calls;
    EXPECT_EQ(r.headers.back().second, "Bearer test-token");
    return calls == 1 ? net::make_response(401, "{}") : net::make_response(200, R"({"data":{"ok":true}})");
  });
  testing::StaticTokens tokens;
  RequestCounts counts;
  GraphQLClient client(transport, tokens, "http://x/graphql", "Fluent", counts);
  auto data = client.query("k", "query { ok }", nlohmann::json::object());
  ASSERT_TRUE(data.ok()) << data.error().message;
  EXPECT_EQ((*data)["ok"], true);
  EXPECT_EQ(tokens.invalidations, 1);
  EXPECT_EQ(calls, 2);
}

TEST(GraphQLClient, PersistentUnauthorizedIsAnError) {
  net::ScriptedTransport transport([](const net::HttpRequest&) { return net::make_response(401, "{}"); });
  testing::StaticTokens tokens;
  RequestCounts counts;
  GraphQLClient client(transport, tokens, "http://x/graphql", "Fluent", counts);
  auto data = client.query("k", "query { ok }", nlohmann::json::object());
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(transport.request_count(), 2u);
}

TEST(GraphQLClient, InterpretsStatusesAndBodies) {
  testing::StaticTokens tokens;
  RequestCounts counts;
  net::ScriptedTransport transport;
  GraphQLClient client(transport, tokens, "http://x/graphql", "commercetools", counts);
  EXPECT_EQ(client.interpret(net::make_response(503, "")).error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(client.interpret(net::make_response(403, "")).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(client.interpret(net::make_response(200, "{trunc")).error().code, ErrorCode::kProtocol);
  EXPECT_EQ(client.interpret(net::make_transport_error()).error().code, ErrorCode::kUnavailable);
  auto bad_request = client.interpret(net::make_response(400, R"({"errors":[{"message":"Cannot query field"}]})"));
  ASSERT_FALSE(bad_request.ok());
  EXPECT_NE(bad_request.error().message.find("Cannot query field"), std::string::npos);
  auto partial = client.interpret(net::make_response(200, R"({"data":{"u0":null},"errors":[{"message":"m"}]})"));
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(partial->errors.size(), 1u);
}

TEST(GraphQLClient, ClassifiesErrorCodes) {
  auto code = [](const char* json) { return classify_graphql_error(nlohmann::json::parse(json), "ct").code; };
  EXPECT_EQ(code(R"({"message":"m","extensions":{"code":"ConcurrentModification","currentVersion":3}})"),
            ErrorCode::kConflict);
  EXPECT_EQ(code(R"({"message":"m","extensions":{"code":"DuplicateField"}})"), ErrorCode::kDuplicate);
  EXPECT_EQ(code(R"({"message":"m","extensions":{"code":"OverCapacity"}})"), ErrorCode::kUnavailable);
  EXPECT_EQ(code(R"({"message":"m","extensions":{"code":"T0001E"}})"), ErrorCode::kUnavailable);
  EXPECT_EQ(code(R"({"message":"m","extensions":{"code":"C0100E"}})"), ErrorCode::kGraphQL);
}

}  // namespace
}  // namespace fct
