# Engine speed: the hold model on the bare event queue (bench/bench_evq.c), 10^2..10^6 pending
# events. Run alone: cmake --build build --target bench_engine
# The linker routes malloc, calloc and realloc through counters (--wrap), so the benchmark can
# show that no event allocates.
add_executable(bench_evq ${CMAKE_CURRENT_LIST_DIR}/bench_evq.c)
target_link_libraries(bench_evq PRIVATE psim_engine m)
target_link_options(bench_evq PRIVATE "LINKER:--wrap=malloc,--wrap=calloc,--wrap=realloc")
add_custom_target(bench_engine COMMAND bench_evq USES_TERMINAL
                  COMMENT "bench: engine hold model")
add_dependencies(bench bench_engine)
