"""tsukasa.pipelines"""
