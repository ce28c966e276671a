"""A generated class for measuring ``coursekit similarity``: honest students and copies.

answers_nb03   several independently written right answers to each exercise of notebook 03
transforms     what copiers do to a classmate's code, one function each
generate       students made of those answers, copies made by the transforms, as notebooks
"""
