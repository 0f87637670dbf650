"""Turn a training checkpoint into a zoo weights file:
``python tools/misc/publish_model.py IN_FILE OUT_FILE``.

Keeps the weights and the run's meta, drops the optimizer state, the
message hub and the schedulers, and appends the first 8 hex digits of the
file's sha256 to OUT_FILE's stem, as mmseg names its zoo weights
(``work_dirs/run/iter_3000.pth`` -> ``NAME_20261205-1a2b3c4d.pth``).
"""
import argparse

from segnet_mm.engine import publish_checkpoint


def parse_args():
    parser = argparse.ArgumentParser(
        description='Strip a training checkpoint to its weights for release')
    parser.add_argument('in_file', help='training checkpoint')
    parser.add_argument('out_file', help='output file; the sha256 prefix is '
                        'added to its name')
    return parser.parse_args()


def main():
    args = parse_args()
    published, digest = publish_checkpoint(args.in_file, args.out_file)
    print(f'wrote {published}\nsha256 {digest}')


if __name__ == '__main__':
    main()
