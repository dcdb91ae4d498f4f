from alloava_analysis.labs.otter_glue import make_test

OK_FORMAT = False
name = "q2"
points = 1
test_q2 = make_test("lab01", "q2")
