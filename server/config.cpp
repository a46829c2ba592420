#include "server/config.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "server/protocol/request_guard.hpp"

namespace scl::server {
namespace {
int parse_int(const std::string& flag, const std::string& v, int lo, int hi) {
  int out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size() || out < lo || out > hi) {
    throw std::invalid_argument(flag + " expects an integer from " + std::to_string(lo) + " to " +
                                std::to_string(hi) + ", got '" + v + "'");
  }
  return out;
}
double parse_double(const std::string& flag, const std::string& v) {
  double out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size() || !std::isfinite(out) || out <= 0 ||
      out > 1e9) {
    throw std::invalid_argument(flag + " expects a positive number, got '" + v + "'");
  }
  return out;
}
}  // namespace

std::string usage() {
  return R"(Usage: sfn-codebuild-local [flags]
Local emulator of AWS CodeBuild (and the Step Functions CodeBuild integration).

  --host ADDR              listen address (default 127.0.0.1; 0.0.0.0 in containers)
  --port N                 listen port (default 8083; 0 picks a free port)
  --data-dir DIR           directory of the SQLite database (default ./data)
  --clock real|manual      real: simulated time follows the wall clock times --time-scale;
                           manual: time moves only via POST /_emulator/clock/advance
  --time-scale X           simulated seconds per real second (default 1)
  --phase-seconds SPEC     default phase durations, e.g. "QUEUED=1,BUILD=2" (seconds)
  --finalize-seconds N     FINALIZING time after StopBuild before a build is deletable (default 3)
  --rules-file FILE        JSON simulation rules by project name (see README)
  --threads N              I/O threads (default: number of cores)
  --workers N              threads that run Step Functions execution steps (default: cores)
  --account-id ID          account for requests whose access key is not 12 digits (default 123456789012)
  --region REGION          region for unsigned requests (default us-east-1)
  --max-body-bytes N       largest accepted request body (default 6291456)
  --max-connections N      open connections at most; at the cap the longest-idle one is closed
                           (default: the descriptor limit RLIMIT_NOFILE minus 64, or
                           minus a quarter of it below 256)
  --report-root DIR        SIMULATE_REPORT_FILE must resolve inside DIR (default: anywhere when
                           --host is loopback, the data dir otherwise)
  --log-level LEVEL        debug|info|warn|error (default info)
  --sdk-metadata on|off    SdkHttpMetadata/SdkResponseMetadata in codebuild task outputs (default on)
  --version, --help
)";
}

std::string effective_report_root(const Config& c) {
  if (c.report_root) return *c.report_root;
  if (c.host == "localhost" || is_loopback_address(c.host)) return "";
  return c.data_dir;
}

Config parse_args(const std::vector<std::string>& args) {
  Config c;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool has_inline = false;
    if (auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_inline = true;
    }
    auto next = [&]() -> std::string {
      if (has_inline) return value;
      if (i + 1 >= args.size()) throw std::invalid_argument(flag + " needs a value");
      return args[++i];
    };
    if (flag == "--help" || flag == "-h") c.show_help = true;
    else if (flag == "--version") c.show_version = true;
    else if (flag == "--host") c.host = next();
    else if (flag == "--port") c.port = parse_int(flag, next(), 0, 65535);
    else if (flag == "--data-dir") c.data_dir = next();
    else if (flag == "--clock") {
      auto v = next();
      if (v != "real" && v != "manual")
        throw std::invalid_argument("--clock expects real or manual, got '" + v + "'");
      c.manual_clock = v == "manual";
    } else if (flag == "--time-scale") c.time_scale = parse_double(flag, next());
    else if (flag == "--phase-seconds") {
      try {
        codebuild::parse_phase_seconds(next(), c.simulation.duration_ms);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("--phase-seconds: ") + e.what());
      }
    } else if (flag == "--finalize-seconds") {
      try {
        c.simulation.stop_finalize_ms = codebuild::parse_seconds(next(), "--finalize-seconds");
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(e.what());
      }
    } else if (flag == "--rules-file") c.rules_file = next();
    else if (flag == "--threads") c.threads = parse_int(flag, next(), 1, 256);
    else if (flag == "--workers") c.workers = parse_int(flag, next(), 1, 256);
    else if (flag == "--account-id") {
      c.account_id = next();
      if (c.account_id.size() != 12 ||
          c.account_id.find_first_not_of("0123456789") != std::string::npos)
        throw std::invalid_argument("--account-id expects 12 digits");
    } else if (flag == "--region") c.region = next();
    else if (flag == "--sdk-metadata") {
      auto v = next();
      if (v != "on" && v != "off")
        throw std::invalid_argument("--sdk-metadata expects on or off, got '" + v + "'");
      c.sdk_metadata = v == "on";
    } else if (flag == "--max-connections") {
      c.max_connections = static_cast<std::size_t>(parse_int(flag, next(), 1, 1 << 24));
    } else if (flag == "--report-root") {
      c.report_root = next();
      if (c.report_root->empty()) throw std::invalid_argument("--report-root needs a directory");
    } else if (flag == "--max-body-bytes")
      c.max_body_bytes = static_cast<std::size_t>(parse_int(flag, next(), 1024, 1 << 30));
    else if (flag == "--log-level") {
      c.log_level = next();
      if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" &&
          c.log_level != "error")
        throw std::invalid_argument("--log-level expects debug, info, warn or error");
    } else {
      throw std::invalid_argument("unknown flag '" + args[i] + "' (see --help)");
    }
  }
  return c;
}

}  // namespace scl::server
