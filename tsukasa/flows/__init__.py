"""tsukasa.flows"""
