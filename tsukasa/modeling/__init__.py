"""tsukasa.modeling"""
