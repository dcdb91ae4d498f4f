from alloava_analysis.labs.otter_glue import make_test

OK_FORMAT = False
name = "q4"
points = 1
test_q4 = make_test("lab02", "q4")
