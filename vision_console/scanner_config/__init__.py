"""scanner_config"""
