"""tsukasa.inference"""
