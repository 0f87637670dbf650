import platform

from segnet_mm.utils import read_cpuinfo


def test_read_cpuinfo(tmp_path):
    info = tmp_path / 'cpuinfo'
    info.write_text('processor\t: 0\nmodel name\t: AMD EPYC 7B13\n'
                    'flags\t\t: fpu avx2 avx512f amx_tile\n')
    cpu = read_cpuinfo(info)
    assert cpu.model == 'AMD EPYC 7B13' and 'avx2' in cpu.flags
    assert cpu.describe() == (
        'AMD EPYC 7B13 (avx2 yes, avx512f yes, avx512_vnni no, avx_vnni no, '
        'avx512_bf16 no, amx_tile yes, amx_int8 no, amx_bf16 no)')
    missing = read_cpuinfo(tmp_path / 'none')
    assert not missing.known
    assert missing.describe() == 'unknown (no /proc/cpuinfo)'


def test_model_name_falls_back_to_platform(tmp_path):
    info = tmp_path / 'cpuinfo'
    info.write_text('processor\t: 0\nflags\t\t: fp asimd\n')
    cpu = read_cpuinfo(info)
    assert cpu.known and cpu.flags == {'fp', 'asimd'}
    assert cpu.model == (platform.processor() or platform.machine()
                         or 'unknown')
    assert read_cpuinfo(tmp_path / 'none').model == cpu.model
