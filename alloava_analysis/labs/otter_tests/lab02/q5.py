from alloava_analysis.labs.otter_glue import make_test

OK_FORMAT = False
name = "q5"
points = 1
test_q5 = make_test("lab02", "q5")
