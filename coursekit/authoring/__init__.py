"""The instructor's authoring tools: what turns solutions/ into what students get.

assign    the student notebooks (notebooks/) and nbgrader's cell metadata, from solutions/
execute   re-run a solution in a fresh kernel so that its stored outputs are fresh
export    the course as an nbgrader course folder (``coursekit export nbgrader``)
"""
