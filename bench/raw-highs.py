"""Solves a model file with HiGHS alone (highspy), with the options
headroom gives HiGHS for its whole-machine model: one thread, no
parallelism, relative MIP gap 0.5 %, no simplex scaling, Devex pricing. Prints: seconds objective status.

    python raw-highs.py MODEL.mps [TIME_LIMIT_SECONDS]
"""
import sys
import time

import highspy

h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.setOptionValue("threads", 1)
h.setOptionValue("parallel", "off")
h.setOptionValue("mip_rel_gap", 0.005)
h.setOptionValue("simplex_scale_strategy", 0)
h.setOptionValue("simplex_dual_edge_weight_strategy", 1)
if len(sys.argv) > 2:
    h.setOptionValue("time_limit", float(sys.argv[2]))
if h.readModel(sys.argv[1]) != highspy.HighsStatus.kOk:
    sys.exit(f"cannot read {sys.argv[1]}")
start = time.perf_counter()
h.run()
seconds = time.perf_counter() - start
status = h.modelStatusToString(h.getModelStatus()).replace(" ", "-")
print(f"{seconds:.3f} {h.getInfo().objective_function_value:.2f} {status}")
