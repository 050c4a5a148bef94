"""Answers to notebook 02's exercises, graded in tests/test_exercises.py.

Each code string replaces the whole solution cell. "right" answers are written the ways the task
allows (other APIs, styles, spellings); "wrong" ones are the mistakes students make on that task.
"""

EX1_RIGHT = {
    "a table of affine maps, float32": '''
def to_pixels(outputs, head, x_train):
    m, s = float(np.mean(x_train)), float(np.std(x_train))
    maps = {"sigmoid": lambda y: y, "tanh": lambda y: 0.5 * y + 0.5, "linear": lambda y: y * s + m}
    return np.asarray(maps[head](np.asarray(outputs, dtype="float32")), dtype="float32")
''',
    "reads the head records' numbers, statistics only for the linear head": '''
def to_pixels(outputs, head, x_train):
    record = heads.HEADS[head]
    if record.pixel_mean is None:
        mean, std = np.mean(x_train, dtype="float64"), np.std(x_train, dtype="float64")
    else:
        mean, std = record.pixel_mean, record.pixel_std
    return np.asarray(outputs) * std + mean
''',
    "keras.ops, back to NumPy": '''
def to_pixels(outputs, head, x_train):
    if head == "linear":
        scale, shift = ops.std(x_train), ops.mean(x_train)
    elif head == "tanh":
        scale, shift = 0.5, 0.5
    else:
        scale, shift = 1.0, 0.0
    return ops.convert_to_numpy(ops.add(ops.multiply(ops.convert_to_tensor(outputs, "float32"), scale), shift))
''',
}

EX1_WRONG = {
    "R6: the library's scaler, which the task rules out": '''
def to_pixels(outputs, head, x_train):
    return heads.HEADS[head].scaler(x_train).inverse_transform(outputs)
''',
    "R5: clips to [0, 1]": '''
def to_pixels(outputs, head, x_train):
    y = np.asarray(outputs, dtype="float32")
    if head == "tanh":
        y = (y + 1) / 2
    elif head == "linear":
        y = y * np.std(x_train) + np.mean(x_train)
    return np.clip(y, 0.0, 1.0)
''',
    "R3: applies the tanh head's forward map again": '''
def to_pixels(outputs, head, x_train):
    y = np.asarray(outputs, dtype="float32")
    if head == "tanh":
        return 2 * y - 1
    if head == "linear":
        return y * np.std(x_train) + np.mean(x_train)
    return y
''',
    "R4: MNIST's published statistics instead of x_train's": '''
def to_pixels(outputs, head, x_train):
    y = np.asarray(outputs, dtype="float32")
    if head == "tanh":
        return (y + 1) / 2
    if head == "linear":
        return y * 0.3081 + 0.1307
    return y
''',
    "R4: one mean and std per pixel": '''
def to_pixels(outputs, head, x_train):
    y = np.asarray(outputs, dtype="float32")
    if head == "tanh":
        return (y + 1) / 2
    if head == "linear":
        return y * np.std(x_train, axis=0) + np.mean(x_train, axis=0)
    return y
''',
    "R4: forgets the mean": '''
def to_pixels(outputs, head, x_train):
    y = np.asarray(outputs, dtype="float32")
    if head == "tanh":
        return (y + 1) / 2
    if head == "linear":
        return y * np.std(x_train)
    return y
''',
    "R4: divides by the std": '''
def to_pixels(outputs, head, x_train):
    y = np.asarray(outputs, dtype="float32")
    if head == "tanh":
        return (y + 1) / 2
    if head == "linear":
        return y / np.std(x_train) + np.mean(x_train)
    return y
''',
    "R4: the statistics of the outputs, not of the training pixels": '''
def to_pixels(outputs, head, x_train):
    y = np.asarray(outputs, dtype="float32")
    if head == "tanh":
        return (y + 1) / 2
    if head == "linear":
        return y * np.std(y) + np.mean(y)
    return y
''',
    "R1: returns a list, not an array": '''
def to_pixels(outputs, head, x_train):
    y = np.asarray(outputs, dtype="float64")
    if head == "tanh":
        y = (y + 1) / 2
    elif head == "linear":
        y = y * np.std(x_train) + np.mean(x_train)
    return y.tolist()
''',
    "R1: returns a Keras tensor": '''
def to_pixels(outputs, head, x_train):
    y = ops.convert_to_tensor(outputs, "float32")
    if head == "tanh":
        return (y + 1) / 2
    if head == "linear":
        return y * float(np.std(x_train)) + float(np.mean(x_train))
    return y
''',
    "R2: the sigmoid head's outputs taken as logits": '''
def to_pixels(outputs, head, x_train):
    y = np.asarray(outputs, dtype="float64")
    if head == "tanh":
        return (y + 1) / 2
    if head == "linear":
        return y * np.std(x_train) + np.mean(x_train)
    return 1 / (1 + np.exp(-y))
''',
}

EX2_RIGHT = {
    "the distance below and above the range": '''
def error_floor(x, head):
    x = np.asarray(x, dtype=float)
    if head == "linear":
        return 0.0
    low = 0.0 if head == "sigmoid" else -1.0
    below = np.minimum(x - low, 0.0)
    above = np.maximum(x - 1.0, 0.0)
    return float(np.mean(below ** 2 + above ** 2))
''',
    "np.where on the head record's range, a NumPy scalar": '''
def error_floor(x, head):
    low, high = heads.HEADS[head].output_range
    x = np.asarray(x, dtype="float64").ravel()
    distance = np.where(x < low, low - x, np.where(x > high, x - high, 0.0))
    return np.mean(distance ** 2)
''',
    "keras.ops in float32": '''
def error_floor(x, head):
    bounds = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "linear": (-1e30, 1e30)}
    low, high = bounds[head]
    values = ops.convert_to_tensor(np.asarray(x, dtype="float32"))
    return float(ops.mean(ops.square(values - ops.clip(values, low, high))))
''',
}

EX2_WRONG = {
    "R2: the squared negative values, whatever the head": '''
def error_floor(x, head):
    return float(np.mean(np.minimum(x, 0) ** 2))
''',
    "R2: forgets values above the range": '''
def error_floor(x, head):
    low = {"sigmoid": 0.0, "tanh": -1.0, "linear": -np.inf}[head]
    x = np.asarray(x, dtype="float64")
    return float(np.mean(np.minimum(x - low, 0.0) ** 2))
''',
    "R2: the variance: the error of the best constant output": '''
def error_floor(x, head):
    low, high = heads.HEADS[head].output_range
    best_constant = np.clip(np.mean(x), low, high)
    return float(np.mean((np.asarray(x, dtype="float64") - best_constant) ** 2))
''',
    "R2: absolute instead of squared error": '''
def error_floor(x, head):
    low, high = heads.HEADS[head].output_range
    x = np.asarray(x, dtype="float64")
    return float(np.mean(np.abs(x - np.clip(x, low, high))))
''',
    "R5: summed over each example instead of averaged over values": '''
def error_floor(x, head):
    low, high = heads.HEADS[head].output_range
    x = np.asarray(x, dtype="float64")
    return float(np.sum((x - np.clip(x, low, high)) ** 2) / len(x))
''',
    "R3: a bounded head's range taken as [0, 1]": '''
def error_floor(x, head):
    x = np.asarray(x, dtype="float64")
    if head == "linear":
        return 0.0
    return float(np.mean((x - np.clip(x, 0.0, 1.0)) ** 2))
''',
    "R2: zero: training can fit anything": '''
def error_floor(x, head):
    return 0.0
''',
    "R1: returns the floor in a list": '''
def error_floor(x, head):
    low, high = heads.HEADS[head].output_range
    x = np.asarray(x, dtype="float64")
    return [float(np.mean((x - np.clip(x, low, high)) ** 2))]
''',
    "R4: the linear head's floor as the variance, the error of the best constant": '''
def error_floor(x, head):
    x = np.asarray(x, dtype="float64")
    if head == "linear":
        return float(np.var(x))
    low = 0.0 if head == "sigmoid" else -1.0
    return float(np.mean((x - np.clip(x, low, 1.0)) ** 2))
''',
}

EX3_RIGHT = {
    "aliases, and a Gaussian for grey levels": '''
def choose_head_and_likelihood(x):
    x = np.asarray(x)
    if x.min() >= 0 and x.max() <= 1:
        return ("sigmoid", "bce") if np.isin(x, (0, 1)).all() else ("sigmoid", "mse")
    if np.abs(x).max() <= 1:
        return "tanh", "mse"
    return "linear", "gaussian"
''',
    "the narrowest head record that holds the data": '''
def choose_head_and_likelihood(x):
    values = np.asarray(x, dtype=float)
    low, high = values.min(), values.max()
    fitting = sorted((record.output_range[1] - record.output_range[0], name) for name, record in heads.HEADS.items()
                     if record.output_range[0] <= low and high <= record.output_range[1])
    head = fitting[0][1]
    binary = set(np.unique(values).tolist()) <= {0.0, 1.0}
    return head, ("bernoulli" if binary else "gaussian")
''',
    "the continuous Bernoulli for grey levels, returned as a list": '''
def choose_head_and_likelihood(x):
    flat = np.ravel(x)
    in_unit = bool(np.all((flat >= 0) & (flat <= 1)))
    in_symmetric = bool(np.all((flat >= -1) & (flat <= 1)))
    binary = bool(np.all((flat == 0) | (flat == 1)))
    if in_unit:
        return ["sigmoid", "bernoulli" if binary else "continuous_bernoulli"]
    return ["tanh" if in_symmetric else "linear", "gaussian"]
''',
}

EX3_WRONG = {
    "R4: Bernoulli for any [0, 1] data (cross-entropy on grey levels)": '''
def choose_head_and_likelihood(x):
    low, high = np.min(x), np.max(x)
    if low >= 0 and high <= 1:
        return "sigmoid", "bernoulli"
    if low >= -1 and high <= 1:
        return "tanh", "gaussian"
    return "linear", "gaussian"
''',
    "R3: a Gaussian for binary images too": '''
def choose_head_and_likelihood(x):
    low, high = np.min(x), np.max(x)
    if low >= 0 and high <= 1:
        return "sigmoid", "gaussian"
    if low >= -1 and high <= 1:
        return "tanh", "gaussian"
    return "linear", "gaussian"
''',
    "R2: binary means two distinct values (so -0.3 and 0.4 get a sigmoid)": '''
def choose_head_and_likelihood(x):
    if len(np.unique(x)) == 2:
        return "sigmoid", "bernoulli"
    low, high = np.min(x), np.max(x)
    if low >= 0 and high <= 1:
        return "sigmoid", "continuous_bernoulli"
    if low >= -1 and high <= 1:
        return "tanh", "gaussian"
    return "linear", "gaussian"
''',
    "R2: tries the wider tanh range first": '''
def choose_head_and_likelihood(x):
    low, high = np.min(x), np.max(x)
    binary = np.all((x == 0) | (x == 1))
    if low >= -1 and high <= 1:
        return ("sigmoid", "bernoulli") if binary else ("tanh", "gaussian")
    if low >= 0 and high <= 1:
        return "sigmoid", "gaussian"
    return "linear", "gaussian"
''',
    "R2: strict inequalities, which miss pixels of exactly 0 and 1": '''
def choose_head_and_likelihood(x):
    low, high = np.min(x), np.max(x)
    binary = np.all((x == 0) | (x == 1))
    if binary:
        return "sigmoid", "bernoulli"
    if low > 0 and high < 1:
        return "sigmoid", "gaussian"
    if low > -1 and high < 1:
        return "tanh", "gaussian"
    return "linear", "gaussian"
''',
    "R4: the continuous Bernoulli for [-1, 1] data": '''
def choose_head_and_likelihood(x):
    low, high = np.min(x), np.max(x)
    binary = np.all((x == 0) | (x == 1))
    if low >= 0 and high <= 1:
        return "sigmoid", ("bernoulli" if binary else "continuous_bernoulli")
    if low >= -1 and high <= 1:
        return "tanh", "continuous_bernoulli"
    return "linear", "gaussian"
''',
    "R2: looks at the maximum only": '''
def choose_head_and_likelihood(x):
    high = np.max(x)
    binary = np.all((x == 0) | (x == 1))
    if high <= 1:
        return "sigmoid", ("bernoulli" if binary else "gaussian")
    return "linear", "gaussian"
''',
    "R1: returns a dict": '''
def choose_head_and_likelihood(x):
    x = np.asarray(x, dtype="float64")
    if x.min() >= 0 and x.max() <= 1:
        return {"head": "sigmoid", "likelihood": "bernoulli" if np.isin(x, (0, 1)).all() else "gaussian"}
    return {"head": "tanh" if np.abs(x).max() <= 1 else "linear", "likelihood": "gaussian"}
''',
}

HIDDEN_ONLY = {}

ANSWERS = {
    "nb02_ex1": {"right": EX1_RIGHT, "wrong": EX1_WRONG},
    "nb02_ex2": {"right": EX2_RIGHT, "wrong": EX2_WRONG},
    "nb02_ex3": {"right": EX3_RIGHT, "wrong": EX3_WRONG},
}
