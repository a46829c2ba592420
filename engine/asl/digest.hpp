#pragma once
// Message digests and Base64 for the States.Hash / States.Base64* intrinsics. Implemented here
// (RFC 1321 MD5, FIPS 180-4 SHA-1/SHA-2) so the engine needs no crypto library. Not for security.

#include <optional>
#include <string>
#include <string_view>

namespace scl::asl::digest {

/// Lower-case hex digests of the bytes of `data`. Never throw (except std::bad_alloc).
std::string md5_hex(std::string_view data);
std::string sha1_hex(std::string_view data);
std::string sha256_hex(std::string_view data);
std::string sha384_hex(std::string_view data);
std::string sha512_hex(std::string_view data);

/// Standard Base64 (RFC 4648 section 4) with '=' padding.
std::string base64_encode(std::string_view data);
/// Strict decode of padded standard Base64; nullopt for any invalid input.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace scl::asl::digest
