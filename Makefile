# Every target installs what it needs into .venv first; only Python 3.11+ and make are assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml shared/requirements.txt | cksum | cut -d' ' -f1)
# NLTK looks in $(sys.prefix)/nltk_data, so the lexicon baked in here is found with no env var.
NLTK_DATA_DIR := $(VENV)/nltk_data
# Wheels of the layer's requirements, for this machine and for Lambda (arm64, CPython 3.12): the
# artifact tests build the layer from them alone (PIP_NO_INDEX), so no test downloads anything.
WHEELHOUSE := $(VENV)/wheelhouse
PIP_DOWNLOAD := $(BIN)/python -m pip download --quiet --only-binary=:all: -d $(WHEELHOUSE)
# checkov (template security checks, run by a test) in a venv of its own: its dependencies
# (aiohttp, networkx, the bc-* libraries) would fight the project's pins.
CHECKOV := $(VENV)/checkov/bin/checkov

.PHONY: dev test test-fast fuzz lint demo bench eval-sentiment calibrate-sentiment sentiment-model clean

dev: $(STAMP) $(CHECKOV)

$(STAMP): pyproject.toml shared/requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "repmon needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m repmon.adapters.vader_lexicon $(NLTK_DATA_DIR)
	$(PIP_DOWNLOAD) -r shared/requirements.txt vaderSentiment==3.3.2
	$(PIP_DOWNLOAD) --platform manylinux2014_aarch64 --implementation cp --python-version 3.12 \
		-r shared/requirements.txt vaderSentiment==3.3.2
	rm -f $(VENV)/.installed-*
	touch $@

$(CHECKOV): | $(STAMP)
	$(PYTHON) -m venv $(VENV)/checkov
	$(VENV)/checkov/bin/python -m pip install --quiet --upgrade pip 'checkov>=3.2'

test: dev
	$(BIN)/python -m pytest -n 2 --dist worksteal -q

# The fuzz tests at the fault audit's bar: 10,000 inputs per parser (`make test` draws fewer).
# Every test file that draws from tests/fuzz_budget.py, so a new parser's fuzz test is in by itself.
fuzz: dev
	REPMON_FUZZ_EXAMPLES=10000 $(BIN)/python -m pytest -n 2 -q \
		$$(grep -rl --include='test_*.py' 'fuzz_budget' tests | sort)

test-fast: dev
	$(BIN)/python -m pytest -q -m "not slow" tests/unit

lint: dev
	$(BIN)/ruff check shared functions tests infra
	$(BIN)/ruff format --check shared functions tests infra
	$(BIN)/mypy
	$(BIN)/mypy tests
	for app in functions/*/app.py; do $(BIN)/mypy "$$app" || exit 1; done

demo: dev
	$(BIN)/repmon demo

bench: dev
	$(BIN)/python -m tests.bench

# VADER's own human-rated sets ship in the vaderSentiment sdist on PyPI (MIT): fetched once, for eval only.
GROUND_TRUTH := $(VENV)/vader-ground-truth

$(GROUND_TRUTH)/hutto_ICWSM_2014: | $(STAMP)
	rm -rf $(GROUND_TRUTH) && mkdir -p $(GROUND_TRUTH)
	$(BIN)/python -m pip download --quiet --no-deps --no-binary :all: -d $(GROUND_TRUTH) vaderSentiment==3.3.2
	tar xzf $(GROUND_TRUTH)/vaderSentiment-3.3.2.tar.gz -C $(GROUND_TRUTH) --strip-components=2 \
		vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz
	tar xzf $(GROUND_TRUTH)/hutto_ICWSM_2014.tar.gz -C $(GROUND_TRUTH)

eval-sentiment: dev $(GROUND_TRUTH)/hutto_ICWSM_2014
	$(BIN)/repmon sentiment eval --data ../shared/data/airline_tweets_dev.csv --ground-truth $(GROUND_TRUTH)/hutto_ICWSM_2014

# The CX scorer's three numbers set on the airline tweets (layer share, two label bars): prints the
# choice and a 5-fold cross-check; the numbers go into CxVaderScorer by hand (README: Sentiment).
calibrate-sentiment: dev $(GROUND_TRUTH)/hutto_ICWSM_2014
	$(BIN)/repmon sentiment calibrate --data ../shared/data/airline_tweets_dev.csv --ground-truth $(GROUND_TRUTH)/hutto_ICWSM_2014

# The learned sentiment layer's weights (committed; a test checks a rebuild gives the same bytes).
# Trained on GoEmotions (CC BY 4.0, see NOTICE) beside the repository, then on our own messages
# (shared/training/cx_messages.tsv); pure Python, fixed seed.
sentiment-model: dev
	$(BIN)/python -m repmon.cli.sentiment_train --data ../shared/data/goemotions

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .aws-sam
