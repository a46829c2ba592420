# Flags shared by every target: link scl_options (INTERFACE) instead of setting flags per target.
add_library(scl_options INTERFACE)
target_compile_options(scl_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wold-style-cast -Wimplicit-fallthrough -Wformat=2)
if(SCL_WERROR)
  target_compile_options(scl_options INTERFACE -Werror)
endif()
if(SCL_SANITIZE)
  target_compile_options(scl_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                         -fno-sanitize-recover=undefined)
  target_link_options(scl_options INTERFACE -fsanitize=address,undefined)
endif()
# -Wconversion for the engine and store layers (not for Beast-heavy server code).
add_library(scl_strict INTERFACE)
target_link_libraries(scl_strict INTERFACE scl_options)
target_compile_options(scl_strict INTERFACE -Wconversion -Wno-sign-conversion)
