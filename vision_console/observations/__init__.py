"""observations"""
