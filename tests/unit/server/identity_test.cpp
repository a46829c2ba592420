#include "server/protocol/identity.hpp"

#include <doctest/doctest.h>

using namespace scl::server;

// Why: botocore/JS SDK Authorization headers select region, key and account (reference 1.4).
TEST_CASE("identity from SigV4 Authorization") {
  IdentityDefaults d;
  auto a = identify("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/codebuild/aws4_request, SignedHeaders=a;b, Signature=x", d);
  CHECK(a.access_key == "AKIDEXAMPLE");
  CHECK(a.scope.region == "eu-west-1");
  CHECK(a.scope.account == "123456789012");
  auto b = identify("AWS4-HMAC-SHA256 Credential=000000000042/20260101/us-east-2/states/aws4_request,SignedHeaders=a,Signature=x", d);
  CHECK(b.scope.account == "000000000042");
  CHECK(b.scope.region == "us-east-2");
  auto none = identify("", d);
  CHECK(none.scope.region == "us-east-1");
  CHECK(none.access_key.empty());
  auto junk = identify("Credential=a/b", d);
  CHECK(junk.scope.region == "us-east-1");
  auto bad_region = identify("Credential=K/20260101/US EAST/codebuild/aws4_request", d);
  CHECK(bad_region.scope.region == "us-east-1");
}
