# Flags shared by every target: link scl_options (INTERFACE) instead of setting flags per target.
add_library(scl_options INTERFACE)
target_compile_options(scl_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wold-style-cast -Wimplicit-fallthrough -Wformat=2)
if(SCL_WERROR)
  target_compile_options(scl_options INTERFACE -Werror)
endif()
# SCL_SANITIZE: OFF (default); ON or "address": ASan + UBSan, any UB is fatal; "thread": TSan.
string(TOLOWER "${SCL_SANITIZE}" scl_sanitize)
if(scl_sanitize STREQUAL "thread")
  target_compile_options(scl_options INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(scl_options INTERFACE -fsanitize=thread)
elseif(scl_sanitize MATCHES "^(address|on|yes|true|y|1)$")
  target_compile_options(scl_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                         -fno-sanitize-recover=undefined)
  target_link_options(scl_options INTERFACE -fsanitize=address,undefined)
elseif(SCL_SANITIZE)
  message(FATAL_ERROR "SCL_SANITIZE=${SCL_SANITIZE}: expected OFF, ON, address or thread")
endif()
# -Wconversion for the engine and store layers (not for Beast-heavy server code).
add_library(scl_strict INTERFACE)
target_link_libraries(scl_strict INTERFACE scl_options)
target_compile_options(scl_strict INTERFACE -Wconversion -Wno-sign-conversion)
