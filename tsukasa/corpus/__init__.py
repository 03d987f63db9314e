"""tsukasa.corpus"""
