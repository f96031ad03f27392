# Two runs of the default scenario with a replay of replication 0, for the viewer's tests: 12
# days, past the scheduled major incident of day 10. a.h5 and b.h5 differ by their seed
# (different calls), so side by side they must differ.
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
foreach(run "a;7" "b;8")
  list(GET run 0 name)
  list(GET run 1 seed)
  execute_process(COMMAND ${PATROLSIM} run ${SCENARIO} -q -r 1 -s ${seed} -j 1 --replay 0
                          --set run.horizon_days=12 -o ${OUT}/${name}.h5
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "patrolsim run for ${name}.h5 failed (${rc})")
  endif()
endforeach()
execute_process(COMMAND ${PATROLSIM} run ${SCENARIO} -q -r 1 -s 7 -j 1 --replay none
                        --set run.horizon_days=12 -o ${OUT}/noreplay.h5 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "patrolsim run for noreplay.h5 failed (${rc})")
endif()
