"""tsukasa.annotation"""
