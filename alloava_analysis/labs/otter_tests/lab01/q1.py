from alloava_analysis.labs.otter_glue import make_test

OK_FORMAT = False
name = "q1"
points = 1
test_q1 = make_test("lab01", "q1")
