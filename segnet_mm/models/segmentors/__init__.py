from .mc_dropout_encoder_decoder import MCDropoutEncoderDecoder

__all__ = ['MCDropoutEncoderDecoder']
