from typing import List


def flip_tta_pipeline(test_pipeline: List[dict]) -> List[dict]:
    """A test-time-augmentation pipeline that averages each image's
    prediction with its horizontal flip's, at the test pipeline's own
    resolution: its resizes are kept, ``LoadAnnotations`` and
    ``PackSegInputs`` run per augmented view as mmseg's ``TestTimeAug``
    expects.

    Args:
        test_pipeline (list[dict]): A test pipeline starting with
            ``LoadImageFromFile``.

    Returns:
        list[dict]: ``[LoadImageFromFile, TestTimeAug(...)]``.
    """
    if not test_pipeline or test_pipeline[0]['type'] != 'LoadImageFromFile':
        raise ValueError('test pipeline must start with LoadImageFromFile, '
                         f'got {test_pipeline[:1]}')
    tail = ('LoadAnnotations', 'PackSegInputs')
    steps = [[t] for t in test_pipeline[1:] if t['type'] not in tail]
    flips = [
        dict(type='RandomFlip', prob=0., direction='horizontal'),
        dict(type='RandomFlip', prob=1., direction='horizontal')
    ]
    return [
        test_pipeline[0],
        dict(
            type='TestTimeAug',
            transforms=[
                *steps, flips, [dict(type='LoadAnnotations')],
                [dict(type='PackSegInputs')]
            ])
    ]
