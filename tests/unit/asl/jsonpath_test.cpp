#include "engine/asl/jsonpath.hpp"

#include <doctest/doctest.h>

using scl::asl::Json;
using scl::asl::JsonPath;

namespace {
Json store() {
  return Json::parse(R"({
    "store": {
      "book": [
        {"category": "reference", "author": "Nigel Rees", "title": "Sayings", "price": 8.95},
        {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword", "price": 12.99},
        {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick",
         "isbn": "0-553-21311-3", "price": 8.99},
        {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord",
         "isbn": "0-395-19395-8", "price": 22.99}
      ],
      "bicycle": {"color": "red", "price": 19.95}
    },
    "odd key": {"x": 1},
    "expensive": 10
  })");
}
Json q(const char* path, const Json& doc) {
  auto r = JsonPath::parse(path).find(doc);
  REQUIRE(r.has_value());
  return *r;
}
}  // namespace

// Why: reference paths are the bread and butter of InputPath/OutputPath and must return the value.
TEST_CASE("definite paths return the value itself") {
  const Json d = store();
  CHECK(q("$", d) == d);
  CHECK(q("$.store.bicycle.color", d) == "red");
  CHECK(q("$['store']['bicycle']['price']", d) == 19.95);
  CHECK(q("$.store.book[0].author", d) == "Nigel Rees");
  CHECK(q("$.store.book[-1].title", d) == "The Lord");
  CHECK(q("$['odd key'].x", d) == 1);
  CHECK(q("$[\"odd key\"][\"x\"]", d) == 1);
  CHECK(JsonPath::parse("$.store.book[0]").is_reference());
}

// Why: a missing definite path is "not found" (the caller turns it into States.Runtime).
TEST_CASE("missing definite path yields nullopt") {
  const Json d = store();
  CHECK_FALSE(JsonPath::parse("$.nope").find(d).has_value());
  CHECK_FALSE(JsonPath::parse("$.store.book[9]").find(d).has_value());
  CHECK_FALSE(JsonPath::parse("$.store.bicycle[0]").find(d).has_value());
  CHECK_FALSE(JsonPath::parse("$.expensive.x").find(d).has_value());
}

// Why: AWS returns arrays for indefinite paths (e.g. "$.Build..Arn" in the CodeBuild docs).
TEST_CASE("indefinite paths return arrays in document order") {
  const Json d = store();
  CHECK(q("$.store.book[*].author", d) ==
        Json::parse(R"(["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"])"));
  CHECK(q("$..author", d).size() == 4);
  CHECK(q("$.store..price", d) == Json::parse("[8.95,12.99,8.99,22.99,19.95]"));
  CHECK(q("$.store.book[1:3].price", d) == Json::parse("[12.99,8.99]"));
  CHECK(q("$.store.book[-2:].price", d) == Json::parse("[8.99,22.99]"));
  CHECK(q("$.store.book[:2].price", d) == Json::parse("[8.95,12.99]"));
  CHECK(q("$.store.book[0:4:2].price", d) == Json::parse("[8.95,8.99]"));
  CHECK(q("$.store.book[0,2].price", d) == Json::parse("[8.95,8.99]"));
  CHECK(q("$.store.bicycle['color','price']", d) == Json::parse(R"(["red",19.95])"));
  CHECK(q("$.nothing[*]", d) == Json::array());
  CHECK(q("$..nothing", d) == Json::array());
  CHECK(q("$.store.bicycle.*", d) == Json::parse(R"(["red",19.95])"));
  CHECK_FALSE(JsonPath::parse("$..author").is_definite());
}

// Why: filter expressions are the Jayway subset users paste into Parameters.
TEST_CASE("filters") {
  const Json d = store();
  CHECK(q("$.store.book[?(@.price < 10)].title", d) == Json::parse(R"(["Sayings","Moby Dick"])"));
  CHECK(q("$.store.book[?(@.isbn)].title", d) == Json::parse(R"(["Moby Dick","The Lord"])"));
  CHECK(q("$.store.book[?(@.category == 'fiction' && @.price > 20)].title", d) ==
        Json::parse(R"(["The Lord"])"));
  CHECK(q("$.store.book[?(@.category != 'fiction' || @.price == 8.99)].title", d) ==
        Json::parse(R"(["Sayings","Moby Dick"])"));
  CHECK(q("$.store.book[?(!(@.price >= 10))].price", d) == Json::parse("[8.95,8.99]"));
  CHECK(q("$.store.book[?(@.price > $.expensive)].price", d) == Json::parse("[12.99,22.99]"));
  CHECK(q("$.store.book[?(@.author =~ /.*Mel.*/)].title", d) == Json::parse(R"(["Moby Dick"])"));
  CHECK(q("$.store.book[?(@.author =~ /herman.*/i)].title", d) == Json::parse(R"(["Moby Dick"])"));
  CHECK(q("$.store.book[?(@.category in ['reference'])].title", d) == Json::parse(R"(["Sayings"])"));
  CHECK(q("$.store.book[?(@.category nin ['fiction'])].title", d) == Json::parse(R"(["Sayings"])"));
  CHECK(q("$..book[?(@.price == 8.95)].author", d) == Json::parse(R"(["Nigel Rees"])"));
  CHECK(q("$.store.book[?(@['price'] == 12.99)].title", d) == Json::parse(R"(["Sword"])"));
}

// Why: malformed paths must be rejected so the compiler can report them as definition errors.
TEST_CASE("syntax errors") {
  for (const char* bad : {"", "a.b", "$.", "$[", "$['a'", "$.a[?(@.x == )]", "$.a[x]", "$..",
                          "$.a[1:2:0]", "$.a b"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(JsonPath::parse(bad), scl::asl::JsonPathError);
  }
  std::string why;
  CHECK_FALSE(JsonPath::try_parse("$[", &why).has_value());
  CHECK_FALSE(why.empty());
}

// Why: "$$." paths address the context object and must be recognised as such.
TEST_CASE("context paths") {
  auto p = JsonPath::parse("$$.Execution.Id");
  CHECK(p.is_context());
  CHECK_FALSE(p.is_reference());
  const Json ctx = Json::parse(R"({"Execution":{"Id":"arn:x"}})");
  CHECK(p.find(ctx) == Json("arn:x"));
}

// Why: ResultPath writes create intermediate objects and fail on type clashes.
TEST_CASE("assign") {
  Json d = Json::parse(R"({"a":{"b":1},"arr":[1,2],"s":"x"})");
  CHECK(JsonPath::parse("$.a.c.d").assign(d, 5));
  CHECK(d["a"]["c"]["d"] == 5);
  CHECK(JsonPath::parse("$.arr[1]").assign(d, "two"));
  CHECK(d["arr"][1] == "two");
  CHECK_FALSE(JsonPath::parse("$.arr[5]").assign(d, 1));
  CHECK_FALSE(JsonPath::parse("$.s.t").assign(d, 1));
  CHECK_FALSE(JsonPath::parse("$.a[*]").assign(d, 1));
  Json r = 3;
  CHECK(JsonPath::parse("$").assign(r, Json::parse("{\"k\":1}")));
  CHECK(r == Json::parse("{\"k\":1}"));
  Json order = Json::parse(R"({"z":1,"a":2})");
  CHECK(JsonPath::parse("$.m").assign(order, 3));
  CHECK(scl::asl::to_text(order) == R"({"z":1,"a":2,"m":3})");
}

// Why (found by tests/fuzz/fuzz_jsonpath): the filter grammar recurses on '(', '!', list
// literals and filters inside filter paths; 20000 levels overflowed the stack. Too deep is a
// parse error.
TEST_CASE("filter nesting limit") {
  const std::string n(20000, '(');
  const std::string c(20000, ')');
  for (const std::string& text :
       {"$[?(" + n + "@.a" + c + ")]", "$[?(" + std::string(20000, '!') + "@.a)]",
        "$[?(@.a in " + std::string(20000, '[') + std::string(20000, ']') + ")]"}) {
    std::string why;
    CHECK_FALSE(JsonPath::try_parse(text, &why).has_value());
    CHECK(why.find("filter expression nests deeper than 1000 levels") != std::string::npos);
  }
  std::string nested = "$";
  for (int i = 0; i < 5000; ++i) nested += "[?(@";
  nested += std::string(5000 * 2, ' ');
  CHECK_THROWS_AS(JsonPath::parse(nested), scl::asl::JsonPathError);
  CHECK(JsonPath::parse("$[?(" + std::string(100, '(') + "!!@.a" + std::string(100, ')') + ")]")
            .find(Json::parse(R"([{"a":1},{"b":2}])"))
            ->size() == 1);
}

// Why (found while fuzzing JSONPath; issue 11 finding 1): std::regex recursed while compiling
// and once per subject character while matching, and backtracked without bound. Filters now run
// on PCRE2 under the evaluation budget: long subjects match, catastrophic patterns fail with
// States.Runtime instead of hanging, and the 1000-character pattern cap stays.
TEST_CASE("filter regex limits") {
  std::string why;
  CHECK_FALSE(
      JsonPath::try_parse("$[?(@.a =~ /" + std::string(100000, 'a') + "/)]", &why).has_value());
  CHECK(why.find("regular expression longer than 1000 characters") != std::string::npos);
  CHECK(JsonPath::try_parse("$[?(@.a =~ /" + std::string(1000, 'a') + "/)]").has_value());

  Json doc = Json::array({Json{{"a", std::string(100000, 'a')}}, Json{{"a", "b"}}});
  CHECK(JsonPath::parse("$[?(@.a =~ /.*/)]").find(doc)->size() == 2);
  CHECK(JsonPath::parse("$[?(@.a =~ /a+/)]").find(doc)->size() == 1);
  scl::asl::EvalBudget budget;
  auto r = JsonPath::parse("$[?(@.a =~ /(a*)*b/)]").evaluate(doc, budget);
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure().error == "States.Runtime");
  CHECK(r.failure().cause->find("exceeded the regular expression match limit") !=
        std::string::npos);
  // Back-references work, on long subjects too.
  const Json short_doc = Json::array({Json{{"a", "aa"}}, Json{{"a", "ab"}}});
  CHECK(JsonPath::parse(R"($[?(@.a =~ /(.)\1/)])").find(short_doc)->size() == 1);
  const Json long_doc = Json::array({Json{{"a", std::string(200000, 'a')}}});
  CHECK(JsonPath::parse(R"($[?(@.a =~ /(a)\1*/)])").find(long_doc)->size() == 1);
  // Java's flags i, s (and m, x) are honoured; the match is of the whole string.
  const Json mixed = Json::array({Json{{"a", "ABC"}}, Json{{"a", "x\ny"}}});
  CHECK(JsonPath::parse("$[?(@.a =~ /abc/i)]").find(mixed)->size() == 1);
  CHECK(JsonPath::parse("$[?(@.a =~ /x.y/s)]").find(mixed)->size() == 1);
  CHECK(JsonPath::parse("$[?(@.a =~ /x.y/)]").find(mixed)->empty());
  CHECK(JsonPath::parse("$[?(@.a =~ /B/)]").find(mixed)->empty());
}

// Why (found by tests/fuzz/fuzz_jsonpath under UBSan): libstdc++ read the number of a
// back-reference or a {n,m} count into a long without an overflow check. PCRE2 refuses counts
// that are too big and reads long digit runs after an escape as octal and literals.
TEST_CASE("filter regex with huge numbers") {
  for (const char* pat : {"a{99999999999999999999}", "a{1,99999999999999999999}"}) {
    std::string why;
    CHECK_FALSE(JsonPath::try_parse(std::string("$[?(@.a =~ /") + pat + "/)]", &why).has_value());
    CHECK(why.find("invalid regular expression") != std::string::npos);
  }
  for (const char* pat : {R"(\38888888888888888888)", R"([\3888888888888888888888])"}) {
    auto p = JsonPath::try_parse(std::string("$[?(@.a =~ /") + pat + "/)]");
    REQUIRE(p.has_value());
    CHECK(p->find(Json::array({Json{{"a", "x"}}}))->empty());
  }
  CHECK(JsonPath::try_parse(R"($[?(@.a =~ /a{2,5}\d{1234}x1234567\{1234567/)])").has_value());
}
