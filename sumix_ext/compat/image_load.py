"""Name the file when an image cannot be read (corrupt or truncated).

mmcv's ``LoadImageFromFile`` (what mmpretrain's pipelines use) fails on a
broken image with ``AssertionError: failed to load image`` or a bare
OpenCV/Pillow error - or, for a JPEG cut short by an interrupted copy,
OpenCV decodes it *silently* with grey rows at the bottom. The patch reads
the bytes, checks that a JPEG/PNG ends with its end marker, decodes, and
raises one ``ValueError`` naming the path and the fix. With
``ignore_empty=True`` such files are skipped (mmcv's meaning: the dataset
fetches another sample), as before.
"""
import functools

import numpy as np

_PATCHED = '_sumix_image_load_patched'
_JPEG_SOI, _JPEG_EOI = b'\xff\xd8', b'\xff\xd9'
_PNG_SIG, _PNG_IEND = b'\x89PNG\r\n\x1a\n', b'IEND'


def image_bytes_problem(data: bytes):
    """Why ``data`` is not a complete image file, or ``None``.

    Only JPEG (must end with the EOI marker ``FFD9``, allowing a little
    trailing padding) and PNG (must contain the ``IEND`` chunk near the
    end) are checked; other formats are left to the decoder.

    Args:
        data (bytes): The file content.

    Returns:
        str | None: The problem, or ``None``.
    """
    if not data:
        return 'the file is empty'
    if data.startswith(_JPEG_SOI) and _JPEG_EOI not in data[-64:]:
        return 'JPEG data ends without its end marker (truncated)'
    if data.startswith(_PNG_SIG) and _PNG_IEND not in data[-64:]:
        return 'PNG data ends without its IEND chunk (truncated)'
    return None


def _checked_transform(self, results: dict):
    """``LoadImageFromFile.transform`` with clear errors (see module doc)."""
    import mmcv
    from mmengine import fileio
    filename = results['img_path']
    try:
        if self.file_client_args is not None:
            client = fileio.FileClient.infer_client(self.file_client_args,
                                                    filename)
            data = client.get(filename)
        else:
            data = fileio.get(filename, backend_args=self.backend_args)
        problem = image_bytes_problem(data)
        img = None
        if problem is None:
            img = mmcv.imfrombytes(data, flag=self.color_type,
                                   backend=self.imdecode_backend)
            if img is None:
                problem = 'the decoder could not read it'
    except FileNotFoundError:
        if self.ignore_empty:
            return None
        raise FileNotFoundError(
            f'image not found: {filename}; check data_root/data_prefix and '
            'the annotation file') from None
    except Exception as exc:  # noqa: BLE001  (decoder errors vary)
        problem = f'{type(exc).__name__}: {exc}'
        img = None
    if problem is not None:
        if self.ignore_empty:
            return None
        raise ValueError(
            f'cannot read image {filename}: {problem}; the file is corrupt '
            'or truncated - replace or delete it (or set ignore_empty=True '
            'in LoadImageFromFile to skip unreadable images)')
    if self.to_float32:
        img = img.astype(np.float32)
    results['img'] = img
    results['img_shape'] = img.shape[:2]
    results['ori_shape'] = img.shape[:2]
    return results


def apply_image_load_fix() -> None:
    """Patch mmcv's ``LoadImageFromFile.transform`` (idempotent)."""
    from mmcv.transforms import LoadImageFromFile
    if getattr(LoadImageFromFile.transform, _PATCHED, False):
        return
    patched = functools.wraps(LoadImageFromFile.transform)(
        _checked_transform)
    setattr(patched, _PATCHED, True)
    LoadImageFromFile.transform = patched
