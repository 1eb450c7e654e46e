module github.com/resolvebot/resolvebot

go 1.26.0
