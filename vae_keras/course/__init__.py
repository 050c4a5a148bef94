"""vae_keras.course: the machinery of the course, apart from the model library.

- runtime: quick mode, `pick`, the course data, and quieting the backend's import logs
- repository: course.toml, Colab badges and install cells (set-repo)
- assignments: nbgrader student versions and autograding
- checks: the checks that exercise tests call, and the helpers that read an answer's model
- analysis: the numbers behind the notebooks' tables; figures, widgets: their pictures
- commands: the course commands of ``python -m vae_keras``

This package imports the library (`vae_keras`); the library never imports this package.
"""
