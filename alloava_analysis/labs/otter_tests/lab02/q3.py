from alloava_analysis.labs.otter_glue import make_test

OK_FORMAT = False
name = "q3"
points = 1
test_q3 = make_test("lab02", "q3")
